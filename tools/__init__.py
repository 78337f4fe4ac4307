"""Clinical logic of RR-ALL Navigator: the patient profile, the rules, and the tools built on them.

Pure functions over a validated profile: no I/O, no HTTP, no imports from ``api`` or ``assistant``.
The same profile always gives the same result, and every judgement carries its citations.
"""

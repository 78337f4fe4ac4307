"""The trainee tutor: case questions generated from the clinical rules, graded with cited explanations.

- generator (with vignette, cases, factors, recall, build): seeded cases and question kinds, keyed by
  the tools; judge (with whatif): what the tools say about any claim on a generated patient;
- grading: option keys, numbers, or free text read by the chat's understanding layer;
- render: the explanation with [n] citation markers; schedule: spaced repetition over topics;
- store and service: learner progress in SQL; chat: the "quiz me" hook of the chat engine;
- coverage: which flag codes and sequencing points a run of seeds exercises.
"""

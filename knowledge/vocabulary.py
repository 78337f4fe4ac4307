"""The field's vocabulary as data, for a clinician to review: what people type and what it means.

Each entry names a concept, the phrases written for it (regular expressions, matched whole-word and
case-insensitively; the longest match wins, so "inotuzumab ozogamicin" is one mention), the BM25
token(s) it becomes and the full name the dense embedder is given.

* ``SYNONYMS`` mean the same thing everywhere: passages and queries are both rewritten to the token.
* ``RELATED`` are broader or lay phrasings (PD-1 -> checkpoint inhibitor, brain -> CNS): they only
  add the concept to a query, because rewriting passages with them would blur distinct facts.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Term:
    tokens: str
    expansion: str
    aliases: tuple[str, ...]


SYNONYMS: tuple[Term, ...] = (
    # --- trial names written several ways ---
    Term("inovate", "INO-VATE trial", (r"ino[- ]?vate",)),
    # --- statistics: "OR 6.02" in a passage is an odds ratio, as is "odds ratios" in a question ---
    Term("oddsratio", "odds ratio", (r"odds[- ]ratios?", r"or(?=,?\s*\d+\.\d)")),
    # --- the three agents ---
    Term("inotuzumab", "inotuzumab ozogamicin", (
        r"inotuzumab(?:[- ]ozogamicin)?", r"ozogamicin", r"ino", r"besponsa", r"cmc[- ]?544",
        r"antibody[- ]drug conjugates?", r"adcs?")),
    Term("blinatumomab", "blinatumomab", (
        r"blinatumomab", r"blina", r"blincyto", r"bites?", r"bispecific t[- ]cell engagers?")),
    # The review's CAR T is mostly tisagenlecleucel: a brand name also matches generic CAR T text.
    Term("tisagenlecleucel cart", "tisagenlecleucel CAR T", (
        r"tisagenlecleucel", r"tisa[- ]?cel", r"kymriah", r"ctl[- ]?019")),
    # "Chimeric antigen receptor" alone is the receptor, not the therapy, so it is left as words.
    Term("cart", "tisagenlecleucel CAR T cells", (
        r"car[- ]?t(?:[- ]?cells?)?", r"car[- ]?ts", r"cart", r"chimeric antigen receptor t[- ]cells?",
        r"(?:genetically )?(?:engineered|modified) t[- ]cells?")),
    # --- toxicity ---
    Term("toxicity", "toxicity (side effects)", (
        r"toxicit(?:y|ies)", r"side[- ]effects?", r"adverse (?:effects?|events?|reactions?)", r"aes")),
    Term("sos", "sinusoidal obstruction syndrome (SOS)", (
        r"sinusoidal obstruction syndrome", r"(?:hepatic )?veno[- ]?occlusive(?: disease)?", r"vod", r"sos")),
    Term("crs", "cytokine release syndrome", (
        r"cytokine release syndrome", r"cytokine storm", r"crs")),
    Term("neurotoxicity", "neurotoxicity (ICANS)", (
        r"immune effector cell[- ]associated neurotoxicity syndrome", r"icans",
        r"neurotox(?:icity|icities)?", r"neuro[- ]?toxicit(?:y|ies)",
        r"neurologic(?:al)? (?:toxicit(?:y|ies)|events?|side effects?)")),
    Term("tocilizumab", "tocilizumab", (r"tocilizumab", r"toci", r"actemra")),
    Term("dexamethasone", "dexamethasone", (r"dexamethasone", r"dex")),
    # --- transplant and response ---
    Term("hsct", "hematopoietic stem cell transplant (HSCT)", (
        r"(?:allogeneic )?ha?ematopoietic (?:stem )?cell transplant(?:ation|s)?", r"hsct", r"allo[- ]?hsct",
        r"allo[- ]?sct", r"sct", r"allo", r"bmt", r"bone marrow transplant(?:ation|s)?",
        r"(?:allogeneic )?stem cell transplant(?:ation|s)?", r"transplant(?:ation|ed|s)?")),
    Term("mrd", "minimal residual disease (MRD)", (
        r"minimal residual disease", r"measurable residual disease", r"mrd")),
    Term("cr", "complete remission (CR)", (r"complete (?:remission|response)s?",)),
    Term("os", "overall survival", (r"overall survival",)),
    Term("efs", "event-free survival", (r"event[- ]free survival",)),
    Term("rfs", "relapse-free survival", (r"relapse[- ]free survival",)),
    Term("relapsed refractory", "relapsed/refractory (R/R)", (
        r"r/r", r"relapsed(?:/| or | and |/ ?)refractory", r"relapsed-refractory")),
    # --- disease sites and biology ---
    Term("emd", "extramedullary disease", (r"extra[- ]?medullary(?: disease)?", r"emd")),
    Term("cns", "central nervous system (CNS) disease", (
        r"central nervous system", r"cns", r"cerebrospinal fluid", r"csf", r"leptomeningeal")),
    Term("kmt2a", "KMT2A rearrangement", (
        r"kmt2a[- ]?(?:r|rearranged|rearrangements?)", r"kmt2a",
        r"mll[- ]?(?:r|rearranged|rearrangements?)", r"mll")),
    Term("aml", "acute myeloid leukemia (AML)", (r"acute myeloid leuka?emia", r"aml")),
    Term("phpositive", "Philadelphia chromosome-positive (Ph+)", (
        r"ph(?:iladelphia)?(?:[- ]chromosome)?[- ]?(?:positive|\+)", r"bcr[- ]?abl1?")),
    Term("phnegative", "Philadelphia chromosome-negative", (
        r"ph(?:iladelphia)?(?:[- ]chromosome)?[- ]?negative",)),
    # Flow cytometry shorthand: a "dim" antigen is one expressed at low intensity.
    Term("dim low", "low antigen expression", (r"dim(?:ly)?",)),
    # --- patients and practicalities ---
    Term("pediatric", "pediatric (children)", (r"pa?ediatrics?", r"peds", r"child(?:ren|hood)?", r"kids?")),
    Term("aya", "adolescents and young adults", (r"ayas?", r"adolescents? and young adults?")),
    Term("leukemia", "leukemia", (r"leuka?emias?",)),
    Term("convenience", "convenience and logistics", (
        r"(?:in)?convenien(?:t|ce)", r"hassle", r"logistics?", r"logistical(?:ly)?")),
)

RELATED: tuple[Term, ...] = (
    Term("checkpoint", "checkpoint inhibitors", (
        r"pd-?1", r"pd-?l1", r"ctla-?4", r"nivolumab", r"pembrolizumab", r"ipilimumab")),
    # Marrow blast percentage is how disease burden is measured in ALL.
    Term("burden", "disease burden", (
        r"\d+ ?% (?:marrow )?blasts?", r"marrow blasts?", r"blast (?:count|percentage)s?",
        r"bulky(?: disease)?", r"tumou?r (?:burden|load)", r"high (?:disease )?(?:burden|load)")),
    Term("cns", "central nervous system (CNS)", (r"brain", r"spinal fluid", r"intrathecal")),
    Term("relapse", "relapse", (r"c[ao]mes? back", r"returned")),
    Term("outpatient", "outpatient", (r"(?:at|stay) home", r"clinic visits?")),
)

# Words long enough that a typo is unambiguous; a misspelt word close to one is corrected.
SPELLING_VOCABULARY: tuple[str, ...] = (
    "inotuzumab", "ozogamicin", "blinatumomab", "tisagenlecleucel", "kymriah", "blincyto", "besponsa",
    "defibrotide", "tocilizumab", "calicheamicin", "extramedullary", "sinusoidal", "cytokine",
    "neurotoxicity", "lymphoblastic", "dexamethasone", "levocarnitine", "leukemia", "veno-occlusive",
    "hematopoietic",
)
# 0.82 lets "inotuzamab" and "tisagenleucel" through but keeps "myelotoxicity" from "neurotoxicity".
SPELLING_CUTOFF = 0.82
SPELLING_MIN_LENGTH = 7
# A word rarer than this in general English (wordfreq's Zipf scale; most misspellings score 0-2) may
# be a misspelling of one of the review's own words, matched at this closeness.
NOT_ENGLISH_BELOW = 2.5
REVIEW_WORD_CUTOFF = 0.85

# The common English stopword list (NLTK's) plus the filler of typed questions. Words such as
# "after" and "before" go too: with them, short passages that happen to share a connective outranked
# the passage that answered (measured on knowledge/eval/retrieval.yaml).
_STOPWORD_TEXT = """
    i me my myself we our ours ourselves you your yours yourself yourselves he him his himself she her
    hers herself it its itself they them their theirs themselves what which who whom this that these
    those am is are was were be been being have has had having do does did doing a an the and but if
    or because as until while of at by for with about against between into through during before after
    above below to from up down in out on off over under again further then once here there when where
    why how all any both each few more most other some such no nor not only own same so than too very
    s t can will just don should now
    whats vs versus could would may might get got use used using give given tell
"""
STOPWORDS: frozenset[str] = frozenset(_STOPWORD_TEXT.split())

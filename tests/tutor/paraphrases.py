"""Paraphrases of the sequencing points, shared by the grading, HTTP and chat tests."""

# One paraphrase per sequencing point: none repeats its title word for word.
SEQUENCING_PARAPHRASES: dict[str, str] = {
    "SEQ_INO_DEBULK_THEN_BLINA": "debulk with Besponsa first and follow with Blincyto",
    "SEQ_CAR_T_AFTER_INO_INSTEAD_OF_HSCT": "after inotuzumab, CAR-T rather than a transplant",
    "SEQ_SHARED_CD19_TARGET": "the two of them share the CD19 target",
    "SEQ_CD22_CAR_T_AFTER_INO": "a CD22-directed CAR T once InO has been given",
    "COMBO_INO_MINI_HYPER_CVD": "inotuzumab combined with low-intensity mini-hyper-CVD",
    "COMBO_BLINA_CHECKPOINT": "blinatumomab plus a PD-1 checkpoint inhibitor such as nivolumab",
    "KMT2A_LINEAGE_SWITCH": "the KMT2A rearrangement and a myeloid switch",
}

"""Words that tell what a message asks: topics, and what lies outside the review.

The review (Curran & O'Brien, Semin Hematol 2020) covers relapsed/refractory B-ALL and three
agents: blinatumomab, inotuzumab ozogamicin and tisagenlecleucel. It gives InO doses only for the
mini-hyper-CVD combination (1.8 -> 1.3 mg/m2 and so on) and discusses blinatumomab's step-up
dosing for CRS; it gives no other doses, no prices, no other diseases' treatment, and nothing
after 2020. Questions about those are out of scope, so the answer can say so instead of guessing.
"""

from __future__ import annotations

import re
from typing import Final

_I = re.IGNORECASE

TOPICS: Final[tuple[tuple[str, re.Pattern[str]], ...]] = tuple(
    (name, re.compile(p, _I))
    for name, p in (
        (
            "sos",
            r"\b(?:sos|vod|veno[\s-]?occlusive|sinusoidal\s+obstruction|hepatotox\w*|liver\s+toxicity|hepatic)\b",
        ),
        ("crs", r"\b(?:crs|cytokine\s+release|tocilizumab|toci)\b"),
        (
            "icans",
            r"\b(?:icans|neurotox\w*|neurologic(?:al)?\s+(?:toxicity|events?|side\s+effects?)|encephalopathy|seizures?|"
            r"cerebral\s+edema|aphasia|tremor)\b",
        ),
        ("cns", r"\b(?:cns|csf|central\s+nervous|intrathecal|leptomeningeal|brain)\b"),
        ("emd", r"\b(?:extra[\s-]?medullary|emd|testicular|chloroma)\b"),
        ("burden", r"\b(?:burden|blasts?|tumou?r\s+load|cytoreduc\w*|debulk\w*)\b"),
        ("antigen", r"\b(?:cd19|cd22|antigen\w*|expression|escape|(?:cd19|cd22)[\s-]negative)\b"),
        ("hsct", r"\b(?:hsct|transplant\w*|allo(?:geneic)?|bmt|consolidat\w*)\b"),
        (
            "logistics",
            r"\b(?:pump|infusion|manufactur\w*|apheresis|outpatient|inpatient|hospitali[sz]\w*|admission|schedul\w*|"
            r"logistic\w*|bag\s+changes?|iv\s+access|convenien\w*|bridging|waiting|vein[\s-]to[\s-]vein)\b",
        ),
        (
            "efficacy",
            r"\b(?:efficacy|effective|response|respond\w*|cr|cri|crh|remissions?|survival|os|efs|rfs|dfs|outcomes?|"
            r"results?|durable|works?|mrd[\s-]?negativ\w*)\b",
        ),
        ("label", r"\b(?:label\w*|fda|approv\w*|indicat\w*|licen[sc]\w*|ema|on[\s-]label|off[\s-]label)\b"),
        (
            "toxicity",
            r"\b(?:toxicit\w*|side[\s-]effects?|adverse|safety|safe|complications?|myelosuppression|infections?)\b",
        ),
        ("kmt2a", r"\b(?:kmt2a|mll|t\(4;11\)|lineage\s+switch|infant)\b"),
        ("mrd", r"\b(?:mrd|minimal\s+residual|measurable\s+residual|molecular\s+relapse)\b"),
        ("t_cells", r"\b(?:t[\s-]cells?|lymphopeni\w*|t[\s-]cell[\s-]dependent)\b"),
        ("ph", r"\b(?:ph\+?|ph[\s-](?:positive|negative)|philadelphia|bcr[\s:-]*abl1?)(?!\w)"),
        (
            "pediatric",
            r"\b(?:pediatric|paediatric|child\w*|kids?|adolescents?|aya|young\s+adults?|infants?)\b",
        ),
        (
            "mechanism",
            r"\b(?:mechanism|bispecific|conjugate|calicheamicin|costimulat\w*|4-1bb|cd28|how\s+does\s+\S+\s+work)\b",
        ),
        (
            "dosing",
            r"\b(?:dos(?:e|es|ing|age)|mg/m2?|fractionat\w*|ramp[\s-]?up|step[\s-]?(?:up\s+)?dos\w*)\b",
        ),
        ("trials", r"\b(?:ino[\s-]?vate|tower|eliana|aall\d+|trials?|stud(?:y|ies)|phase\s+[123i]+)\b"),
    )
)

DOMAIN: Final = re.compile(
    r"\b(?:b[\s-]?all|leuka?emi\w*|lymphoblastic|relaps\w*|refractory|review|remission|immunotherap\w*|novel\s+agents?|"
    r"antibod\w*|car|marrow|agents?|therap(?:y|ies)|treatments?|drugs?|evidence|citations?|references?|paper|authors?|"
    r"b[\s-]cells?|aplasia|cytopeni\w*|neutropeni\w*|hematolog\w*|haematolog\w*|oncolog\w*|patients?|cancer|"
    r"malignan\w*|cells?|engraft\w*|persistence|expansion|prognos\w*|cytogenetic\w*|flow\s+cytometry|apheresis|"
    r"lymphodepletion|conditioning|salvage|induction|consolidation|maintenance|chemo\w*)\b"
    r"|(?-i:\bALL\b)",
    _I,
)

# -- outside the review ------------------------------------------------------------------------------
# Phrases that mention another disease but are the review's own topic (lineage switch after CD19
# therapy in KMT2A-R ALL).
IN_SCOPE_MENTIONS: Final = re.compile(
    r"\blineage\s+switch\w*(?:\s+to\s+(?:aml|acute\s+myeloid\s+leuka?emia))?|\bswitch(?:ed|ing|es)?\s+to\s+(?:aml|acute\s+myeloid)"
    r"|\ball[\s-]to[\s-]aml\b|\bmyeloid\s+(?:switch|lineage)|\bdose[\s-](?:finding|escalation)|\bhigh[\s-]dose\b",
    _I,
)
OTHER_DISEASE: Final = re.compile(
    r"\b(?:aml|acute\s+myeloid|cll|chronic\s+lymphocytic|cml|chronic\s+myeloid|myeloma|mds|myelodysplas\w*|lymphomas?|dlbcl|"
    r"hodgkin|mantle\s+cell|solid\s+tumou?rs?|(?:breast|lung|colon|prostate|ovarian|pancreatic)\s+cancer|melanoma|"
    r"glioblastoma|neuroblastoma|sickle\s+cell|diabetes|hypertension|lupus|pregnan\w*|fertility)\b"
    r"|(?-i:\bT[\s-]?ALL\b)|\bt[\s-]cell\s+(?:acute\s+)?lymphoblastic",
    _I,
)
OTHER_DRUG: Final = re.compile(
    r"\b(?:ponatinib|dasatinib|imatinib|nilotinib|bosutinib|asciminib|olverembatinib|tkis?|venetoclax|navitoclax|"
    r"ibrutinib|rituximab|obinutuzumab|nelarabine|brexucabtagene|brexu[\s-]?cel|tecartus|obecabtagene|obe[\s-]?cel|"
    r"aucatzyl|axicabtagene|axi[\s-]?cel|yescarta|lisocabtagene|liso[\s-]?cel|breyanzi|idecabtagene|ciltacabtagene|"
    r"teclistamab|daratumumab|metformin|aspirin|ibuprofen|paracetamol|acetaminophen|antifungals?|posaconazole|"
    r"voriconazole|acyclovir|ivig)\b",
    _I,
)
INFECTION_AND_VACCINES: Final = re.compile(
    r"\b(?:covid(?:-?19)?|sars[\s-]cov[\s-]?2|coronavirus|vaccin\w*|influenza|flu\s+shot|booster)\b", _I
)
COST: Final = re.compile(
    r"\b(?:costs?|costly|price[sd]?|pricing|expensive|cheap\w*|afford\w*|insurance|insurer|reimburs\w*|billing|copay|"
    r"dollars?|usd|euros?|pounds\s+sterling|medicare|medicaid|cost[\s-]effective\w*)\b|[$€£]\s?\d",
    _I,
)
AFTER_THE_REVIEW: Final = re.compile(
    r"\b20(?:2[1-9]|[3-9]\d)\b|\b(?:latest|newest|most\s+recent|updated?|new)\s+(?:fda\s+|ema\s+)?"
    r"(?:approvals?|guidelines?|labels?|recommendations?|indications?)|\bcurrent\s+(?:guidelines?|recommendations?)"
    r"|\b(?:nccn|esmo|eln|asco|ash\s+20\d\d)\b|\bnow\s+approved\b",
    _I,
)
GENERAL: Final = re.compile(
    r"\b(?:weather|forecast|poem|haiku|limerick|joke|recipe|song|lyrics|horoscope|bitcoin|crypto|stock\s+(?:price|market)|"
    r"football|soccer|basketball|cricket|movie|film|netflix|translate|capital\s+of|who\s+won|what\s+time\s+is\s+it|"
    r"news\s+today|holiday|vacation)\b|\bwrite\s+(?:me\s+)?(?:an?\s+)?(?:poem|essay|story|song|email|letter|code|program|"
    r"script|function)\b|\b(?:python|javascript|sql)\s+(?:code|script|function)\b",
    _I,
)

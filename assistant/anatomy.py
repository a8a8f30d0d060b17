"""Body parts, so that a question about one (a hip replacement) is not answered from the page
of the same procedure on another (the knee replacement page).

Words of a group name the same part in patients' and in clinicians' words; a page that uses
any of them covers that part.
"""

from __future__ import annotations

from assistant.text import stem

_GROUPS = (
    "abdomen abdominal belly tummy stomach",
    "hip hips",
    "knee knees",
    "shoulder shoulders rotator",
    "elbow elbows",
    "wrist wrists carpal",
    "ankle ankles",
    "foot feet heel",
    "hand hands",
    "finger fingers thumb",
    "toe toes bunion",
    "neck cervical",
    "back spine spinal lumbar",
    "brain head skull cranial",
    "chest thoracic rib ribs",
    "heart cardiac coronary",
    "lung lungs pulmonary",
    "breast breasts mammary",
    "pelvis pelvic",
    "kidney kidneys renal",
    "liver hepatic",
    "bladder urinary",
    "prostate",
    "uterus uterine womb",
    "ovary ovaries ovarian",
    "eye eyes ocular",
    "ear ears",
    "nose nasal sinus sinuses",
    "throat",
    "tooth teeth dental molar",
    "jaw",
    "leg legs thigh",
    "arm arms",
    "thyroid",
    "colon bowel colorectal",
)
BODY_PART: dict[str, int] = {
    stem(word): group for group, words in enumerate(_GROUPS) for word in words.split()
}
PART_TERMS: tuple[tuple[str, ...], ...] = tuple(
    tuple(stem(word) for word in words.split()) for words in _GROUPS
)

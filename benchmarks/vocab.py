"""Word lists and sentence templates for the synthetic corpus.

Kept apart from the generator so the page layout (corpus.py) reads on its own. The lists are
long enough that titles rarely repeat at 10,000 pages, and `pseudo_word` adds a long tail of
rare terms (eponyms, device names) so the keyword index grows its vocabulary with the corpus
the way a real one does instead of saturating at a few hundred words.
"""

from __future__ import annotations

import random

# fmt: off
BODY_PARTS = (
    "knee", "shoulder", "hip", "ankle", "wrist", "elbow", "lumbar spine", "cervical spine",
    "thoracic spine", "skull", "jaw", "sinus", "nasal septum", "larynx", "thyroid gland",
    "parathyroid gland", "breast", "lung", "pleura", "heart valve", "coronary artery",
    "aorta", "carotid artery", "femoral artery", "saphenous vein", "esophagus", "stomach",
    "duodenum", "small bowel", "colon", "rectum", "anal canal", "liver", "gallbladder",
    "bile duct", "pancreas", "spleen", "kidney", "ureter", "bladder", "prostate", "urethra",
    "uterus", "ovary", "cervix", "testis", "skin", "nail bed", "eyelid", "cornea", "retina",
    "lens", "middle ear", "eardrum", "tonsils", "salivary gland", "lymph node", "bone marrow",
    "rotator cuff", "achilles tendon", "carpal tunnel", "plantar fascia", "hand tendon",
    "finger joint", "toe joint", "pelvis", "sacroiliac joint", "tibia", "femur", "humerus",
)
PROCEDURES = (
    ("Arthroscopy", "a camera examination"), ("Excision", "removal of tissue"),
    ("Repair", "a surgical repair"), ("Biopsy", "taking a tissue sample"),
    ("Injection", "an injection of medicine"), ("Drainage", "draining fluid"),
    ("Reconstruction", "rebuilding the structure"), ("Resection", "cutting out part"),
    ("Fixation", "holding the bone in place"), ("Ablation", "destroying abnormal tissue"),
    ("Endoscopy", "looking inside with a flexible scope"), ("Ultrasound", "an imaging scan"),
    ("Magnetic resonance imaging", "a detailed scan"), ("Computed tomography", "a CT scan"),
    ("Angioplasty", "widening a narrowed vessel"), ("Stent placement", "placing a small tube"),
    ("Catheterization", "passing a thin tube"), ("Aspiration", "withdrawing fluid"),
    ("Debridement", "cleaning away damaged tissue"), ("Grafting", "moving healthy tissue"),
    ("Decompression", "relieving pressure"), ("Fusion", "joining bones together"),
    ("Implantation", "placing a device"), ("Removal of foreign body", "taking out an object"),
    ("Incision and drainage", "opening and draining"), ("Ligation", "tying off a vessel"),
    ("Dilation", "stretching a narrowed passage"), ("Nerve block", "numbing a nerve"),
    ("Radiofrequency ablation", "heating nerve tissue"), ("Manipulation", "moving a joint"),
)
APPROACHES = (
    "open", "laparoscopic", "arthroscopic", "percutaneous", "endoscopic", "robot-assisted",
    "image-guided", "minimally invasive", "transcatheter", "transvaginal", "transoral",
    "ultrasound-guided", "fluoroscopic", "microsurgical",
)
QUALIFIERS = (
    "unilateral", "bilateral", "with imaging guidance", "without contrast",
    "with and without contrast", "single level", "each additional level", "complete",
    "partial", "initial", "subsequent", "with biopsy", "with removal of lesion",
    "including local anesthesia", "diagnostic", "therapeutic", "simple", "complex",
    "first lesion", "up to 5 cm", "more than 5 cm", "with drainage tube",
)
CONDITIONS = (
    "chronic pain", "a torn ligament", "arthritis", "a blocked artery", "a suspicious lump",
    "repeated infections", "bleeding", "a narrowing", "a cyst", "a fracture that has not healed",
    "inflammation", "a benign tumor", "stones", "scar tissue", "swelling that does not settle",
    "numbness and tingling", "weakness", "an abnormal scan result", "a hernia",
    "fluid build-up", "a deformity", "loss of function", "an ulcer", "a suspected cancer",
    "an obstruction", "reflux", "instability", "nerve compression",
)
TOOLS = (
    "a scalpel", "a thin camera", "a needle", "surgical staples", "absorbable stitches",
    "a small balloon", "a metal plate and screws", "a surgical drain", "an ultrasound probe",
    "a fluoroscope", "a laser fiber", "a radiofrequency probe", "a bone graft",
    "a mesh patch", "a catheter", "a suction device", "a tourniquet", "a biopsy forceps",
)
ROLES = (
    ("Surgeon", "performs the procedure and explains the findings"),
    ("Anesthesiologist", "gives the anesthesia and watches your breathing"),
    ("Nurse anesthetist", "gives sedation and monitors vital signs"),
    ("Radiologist", "guides the needle with imaging and reads the images"),
    ("Interventional radiologist", "places the catheter under X-ray guidance"),
    ("Operating room nurse", "prepares the instruments and assists the surgeon"),
    ("Surgical technologist", "hands instruments and keeps the field sterile"),
    ("Recovery nurse", "checks on you as you wake up"),
    ("Physical therapist", "starts exercises after the procedure"),
    ("Sonographer", "operates the ultrasound machine"),
    ("Endoscopy technician", "cleans and handles the scope"),
)
SETTINGS = (
    "a hospital operating room", "an outpatient surgery center", "a doctor's office",
    "a radiology department", "an endoscopy unit", "a cardiac catheterization lab",
    "an ambulatory surgery center", "a procedure room in a clinic", "an imaging center",
)
DURATIONS = (
    "about 15 to 30 minutes", "about 30 to 45 minutes", "about 45 to 60 minutes",
    "1 to 2 hours", "2 to 3 hours", "about 20 minutes", "less than 10 minutes",
    "about 90 minutes", "3 to 4 hours", "about one hour",
)
RISKS = (
    "infection at the incision site", "bleeding or bruising", "a reaction to anesthesia",
    "blood clots in the legs", "damage to nearby nerves", "stiffness", "scarring",
    "a need for a repeat procedure", "allergic reaction to contrast dye", "persistent pain",
    "injury to nearby organs", "numbness around the wound", "swelling", "a collapsed lung",
    "leaking of fluid", "temporary difficulty passing urine", "sore throat", "nausea",
)
BENEFITS = (
    "less pain", "better movement", "a clear diagnosis", "faster recovery than open surgery",
    "small scars", "relief of pressure", "return to normal activities",
    "prevention of further damage", "improved blood flow", "fewer infections",
    "better quality of life", "less need for pain medicine", "a stable joint",
)
RECOVERY = (
    "Rest for the first 24 to 48 hours.",
    "Keep the dressing clean and dry for {days} days.",
    "Most people return to desk work within {days} days.",
    "Avoid heavy lifting for {weeks} weeks.",
    "Take pain medicine as prescribed and use ice packs for swelling.",
    "A follow-up visit is usually booked after {weeks} weeks.",
    "Stitches are removed after about {days} days.",
    "Call your care team if you have a fever or the wound turns red.",
    "You can usually shower after {days} days.",
    "Full recovery takes {weeks} to {weeks2} weeks.",
    "Physical therapy may start within the first week.",
    "Do not drive until you can move comfortably and are off strong pain medicine.",
)
PREP = (
    "Do not eat or drink for {hours} hours before the procedure.",
    "Tell your doctor about all medicines, especially blood thinners.",
    "Stop aspirin or other blood thinners {days} days before if your doctor agrees.",
    "Arrange for an adult to drive you home.",
    "Wear loose, comfortable clothing.",
    "Blood tests may be done a few days before.",
    "Shower with an antiseptic soap the night before.",
    "Bring your imaging results and a list of allergies.",
    "Remove jewelry and metal objects.",
    "A pregnancy test may be needed for women of childbearing age.",
)
ALTERNATIVES = (
    "Medicines to control pain and swelling", "Physical therapy", "Watchful waiting",
    "Steroid injections", "A brace or splint", "Open surgery", "Lifestyle changes",
    "Radiation therapy", "A different imaging test", "Laser treatment",
)
EXPERIENCE = (
    "You may feel a brief sting when the numbing medicine is given.",
    "Under general anesthesia you will be asleep and feel nothing.",
    "Some pressure or pulling is normal during the procedure.",
    "Afterwards the area may ache for {days} days.",
    "Mild tiredness is common for a day or two.",
    "Most patients describe the discomfort as mild and manageable.",
    "You may hear the machine making loud knocking sounds.",
    "A sore throat from the breathing tube can last a day.",
)
CLAUSES = (
    "especially if symptoms have lasted several weeks",
    "which your doctor will check at the follow-up visit",
    "as this lowers the chance of problems during the procedure",
    "because it affects how quickly you heal",
    "and your care team will explain what to look out for",
    "depending on your general health and age",
    "in line with the instructions given at your pre-assessment visit",
    "which is usually mild and settles on its own within a few days",
    "although this varies a great deal from person to person",
    "so tell the team if it gets worse instead of better",
    "and this is discussed with you before you sign the consent form",
    "which is checked again on the morning of the procedure",
)
SYLLABLES = (
    "ka", "lor", "ven", "mi", "dra", "sel", "tho", "bri", "gan", "vel", "rus", "tem", "no",
    "pha", "zor", "quin", "del", "mar", "ost", "lex", "cor", "fen", "ily", "gus", "ber",
)
# fmt: on


def pseudo_word(rng: random.Random) -> str:
    """A rare, capitalised made-up term (an eponym or a device brand) for the vocabulary tail."""
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))).capitalize()

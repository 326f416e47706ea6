"""Words people type for the words services are written in: Gulf colloquial, loanwords, spellings.

A query word on the left also searches for the words on the right. Service definitions add
their own variants in ``keywords``; this list is for words that hold across services. Write the
words on the left without the article; spelling (hamza, taa marbuta...) does not matter.
"""

from __future__ import annotations

SYNONYMS: dict[str, tuple[str, ...]] = {
    # Arabic (after normalisation: no hamza on alef, taa marbuta as ه, alef maqsura as ي)
    "باسبور": ("جواز",),
    "باسبورت": ("جواز",),
    "جوازات": ("جواز",),
    "ليسن": ("رخصه", "قياده"),
    "لايسنس": ("رخصه",),
    "ليسنس": ("رخصه",),
    "سواقه": ("قياده",),
    "سياقه": ("قياده",),
    "موتر": ("سياره", "مركبه"),
    "سيارتي": ("سياره",),
    "عمال": ("عامل", "عماله"),
    "خدامه": ("عامل", "منزلي"),
    "شغاله": ("عامل", "منزلي"),
    "كهربا": ("كهرباء",),
    "ماي": ("مياه", "ماء"),
    "مويه": ("مياه", "ماء"),
    "فاتوره": ("فاتوره", "دفع"),
    "سجلات": ("سجل",),
    "مواليد": ("ميلاد", "مولود"),
    "تصاريح": ("تصريح",),
    "فواتير": ("فاتوره",),
    "مدارس": ("مدرسه",),
    "شهايد": ("شهاده",),
    "بيت": ("مسكن", "سكن", "منزل"),
    "بيوت": ("مسكن", "سكن", "منزل"),
    "وظيفه": ("عمل", "توظيف"),
    "شغل": ("عمل", "توظيف"),
    "فيزا": ("تاشيره",),
    "فيزه": ("تاشيره",),
    "بطاقه": ("بطاقه", "هويه"),
    "سكانيه": ("هويه",),
    "ضريبه": ("ضريبه", "قيمه"),
    "ضرايب": ("ضريبه",),
    "مخالفه": ("مخالفه", "غرامه"),
    "غرامات": ("غرامه", "مخالفه"),
    "دكتور": ("طبيب", "صحي"),
    "مستشفي": ("صحي", "طبي"),
    "زواج": ("زواج", "عقد"),
    "عرس": ("زواج",),
    "ملكه": ("زواج", "قران"),  # Gulf: the marriage contract (also typed ملچة)
    "ورث": ("ميراث", "تركه", "ورثه"),
    "تقاعد": ("تقاعد", "معاش"),
    "راتب": ("معاش", "اجر"),
    # English
    "license": ("licence",),
    "labor": ("labour",),
    "center": ("centre",),
    "defense": ("defence",),
    "licenses": ("licence",),
    "cpr": ("identity", "card"),
    "id": ("identity",),
    "visa": ("visa",),
    "cr": ("commercial", "registration"),
    "baby": ("birth", "newborn"),
    "car": ("vehicle",),
    "cars": ("vehicle",),
    "job": ("employment", "work"),
    "jobs": ("employment", "work"),
    "house": ("housing",),
    "home": ("housing",),
    "fine": ("fine", "violation"),
    "fines": ("fine", "violation"),
    "electricity": ("electricity", "power"),
    "water": ("water",),
    "doctor": ("health", "medical"),
    "pension": ("pension", "retirement"),
    "tax": ("tax", "vat"),
}

# Abbreviations spelled out in Arabic letters, read as the abbreviation before words are split
# (otherwise "سي آر" (CR) and "سي بي آر" (CPR) share both their words). Longest first.
SPELLED_ABBREVIATIONS: tuple[tuple[str, str], ...] = (
    ("سي بي ار", "cpr"),
    ("في ايه تي", "vat"),
    ("في اي تي", "vat"),
    ("سي ار", "cr"),
    ("اي كي", "ekey"),
)

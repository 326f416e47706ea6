"""What the government already holds about a person or a business, in one place.

The simplification linter (:mod:`tahawul.definitions.lint`) reads two lists from here: the
documents an entity could fetch from the register that issued them instead of asking for a copy
(the "once only" principle), and the facts of a person's profile a form should fill in itself.
Both are recognised by the key a designer gave the document or field, or by words of its label in
either language. Labels are compared after the same normalisation as search (case, digits,
Arabic diacritics and letter forms), so ``صورة جواز السفر`` and ``صوره جواز السفر`` meet.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tahawul.catalog.text_analysis import normalise
from tahawul.core.text import LocalizedText


def fold(text: str) -> str:
    """Text as labels are compared: normalised, taa marbuta read as haa, curly apostrophes straight."""
    return normalise(text).replace("ة", "ه").replace("’", "'")


def _phrase_pattern(phrases: tuple[str, ...]) -> re.Pattern[str] | None:
    """One pattern for the phrases; English ones whole words only, Arabic ones anywhere in a word
    (Arabic attaches the article and prepositions to the word: بشهادة الميلاد)."""
    if not phrases:
        return None
    parts = []
    for phrase in phrases:
        folded = re.escape(fold(phrase))
        parts.append(folded if re.search("[\u0600-\u06ff]", phrase) else rf"(?<![a-z0-9]){folded}(?![a-z0-9])")
    return re.compile("|".join(parts))


@dataclass(frozen=True)
class Recognised:
    """Something recognised by key or label words, unless a word says it is not ours to hold."""

    keys: frozenset[str]
    phrases: tuple[str, ...]
    # A label naming someone or somewhere the registers do not cover (a foreign certificate, a
    # visitor's passport) is not recognised, whatever its key.
    exclusions: tuple[str, ...] = ()

    @cached_property
    def _phrases(self) -> re.Pattern[str] | None:
        return _phrase_pattern(self.phrases)

    @cached_property
    def _exclusions(self) -> re.Pattern[str] | None:
        return _phrase_pattern(self.exclusions)

    def matches(self, key: str, label: LocalizedText, context: LocalizedText | None = None) -> bool:
        """Whether ``key`` or ``label`` names it; exclusions are looked for in ``context`` (the
        title of the form page the field is on) too."""
        text = fold(f"{label.en} | {label.ar}")
        around = fold(f"{context.en} | {context.ar}") if context is not None else ""
        if self._exclusions is not None and self._exclusions.search(f"{text} | {around}"):
            return False
        return key in self.keys or (self._phrases is not None and self._phrases.search(text) is not None)


@dataclass(frozen=True)
class HeldDocument:
    name: Promise  # what it is, to fill in the explanation
    holder: Promise  # who holds it already
    recognised: Recognised


_NOT_HELD = (
    "foreign",
    "abroad",
    "visitor",
    "damaged",
    "attested",
    "stamps",
    "pages showing",
    "أجنبي",
    "الأجنبية",
    "من الخارج",
    "الزائر",
    "التالف",
    "المصدقه",
    "صفحات الجواز",
)

# fmt: off
HELD_DOCUMENTS: tuple[HeldDocument, ...] = (
    HeldDocument(
        _("the identity card (CPR)"), _("the population register"),
        Recognised(
            frozenset({"cpr_copy", "cpr_card", "id_card", "id_card_copy", "identity_card", "national_id_copy",
                       "national_id_card", "smart_card", "smartcard_copy", "cpr_card_copy"}),
            ("identity card", "id card", "cpr card", "smart card", "smartcard", "copy of the cpr", "copy of your cpr",
             "البطاقه الذكيه", "بطاقه الهويه", "البطاقه السكانيه", "صوره الهويه", "الرقم الشخصي (بطاقه"),
            _NOT_HELD,
        ),
    ),
    HeldDocument(
        _("a passport issued by the Kingdom"), _("the nationality and passports directorate"),
        Recognised(
            frozenset({"passport_copy", "passport_scan", "passport_data_page", "passport_photocopy"}),
            ("copy of your passport", "copy of the passport", "passport copy", "passport data page", "passport scan",
             "صوره جواز السفر", "صوره صفحه بيانات الجواز", "نسخه من جواز السفر", "نسخه الجواز"),
            _NOT_HELD,
        ),
    ),
    HeldDocument(
        _("a residence permit"), _("the nationality and residence directorate"),
        Recognised(
            frozenset({"residence_permit", "residence_permit_copy", "rp_copy", "residence_card"}),
            ("residence permit", "residency permit", "residence card", "تصريح الاقامه", "بطاقه الاقامه",
             "صوره الاقامه"),
            _NOT_HELD,
        ),
    ),
    HeldDocument(
        _("a birth certificate issued in the Kingdom"), _("the births and deaths register"),
        Recognised(
            frozenset({"birth_certificate", "birth_certificate_copy"}),
            ("birth certificate", "شهاده الميلاد", "شهاده ميلاد"),
            _NOT_HELD,
        ),
    ),
    HeldDocument(
        _("a death certificate issued in the Kingdom"), _("the births and deaths register"),
        Recognised(
            frozenset({"death_certificate", "death_certificate_copy"}),
            ("death certificate", "شهاده الوفاه", "شهاده وفاه"),
            _NOT_HELD,
        ),
    ),
    HeldDocument(
        _("a marriage contract registered in the Kingdom"), _("the courts' register of marriages"),
        Recognised(
            frozenset({"marriage_contract", "marriage_certificate"}),
            ("marriage certificate", "marriage contract", "عقد الزواج", "وثيقه الزواج"),
            _NOT_HELD,
        ),
    ),
    HeldDocument(
        _("a commercial registration certificate"), _("the commercial register"),
        Recognised(
            frozenset({"cr_certificate", "cr_copy", "commercial_registration", "commercial_register_copy"}),
            ("cr certificate", "commercial registration certificate", "copy of the commercial registration",
             "شهاده السجل التجاري", "صوره السجل التجاري"),
            _NOT_HELD,
        ),
    ),
    HeldDocument(
        _("a title deed"), _("the land registry"),
        Recognised(
            frozenset({"title_deed", "title_deed_copy", "ownership_document", "ownership_proof"}),
            ("title deed", "وثيقه الملكيه", "وثيقه ملكيه", "سند الملكيه"),
            (*_NOT_HELD, " or ", " أو ", "lease", "الايجار"),  # a lease will do instead: not only the deed
        ),
    ),
    HeldDocument(
        _("a certificate of good conduct"), _("the police records"),
        Recognised(
            frozenset({"good_conduct", "good_conduct_certificate", "police_clearance"}),
            ("good conduct", "حسن السيره"),
            _NOT_HELD,
        ),
    ),
    HeldDocument(
        _("a social insurance certificate"), _("the social insurance register"),
        Recognised(
            frozenset({"sio_clearance", "sio_certificate", "social_insurance_certificate"}),
            ("social insurance clearance", "social insurance certificate", "براءه ذمه من التامين الاجتماعي"),
            _NOT_HELD,
        ),
    ),
    HeldDocument(
        _("a court deed (guardianship or inheritance)"), _("the courts"),
        Recognised(
            frozenset({"guardianship_deed", "inheritance_deed", "inheritance_certificate"}),
            ("guardianship deed", "guardianship order", "inheritance deed", "certificate of inheritance",
             "صك الولايه", "حجه الولايه", "اعلام الوراثه"),
            _NOT_HELD,
        ),
    ),
    HeldDocument(
        _("a vaccination certificate"), _("the health records"),
        Recognised(
            frozenset({"vaccination_record", "vaccination_certificate"}),
            ("vaccination certificate", "vaccination record", "شهاده التطعيمات", "شهاده التطعيم"),
            _NOT_HELD,
        ),
    ),
    HeldDocument(
        _("a disability card"), _("the disability register"),
        Recognised(
            frozenset({"disability_card"}),
            ("disability card", "بطاقه ذوي الاعاقه"),
            _NOT_HELD,
        ),
    ),
)
# fmt: on


@dataclass(frozen=True)
class ProfileFact:
    name: Promise
    recognised: Recognised


# Label words say "your ...": bare words like "phone number" are left to the keys. A field on a
# page about someone or something else (the worker, the baby, the company) is not the applicant's.
# fmt: off
_SOMEONE_ELSE = (
    "worker", "child", "baby", "visitor", "family member", "dependant", "facility", "company", "business",
    "trade", "employer", "العامل", "الطفل", "المولود", "الزائر", "فرد العائله", "المنشاه", "الشركه", "التجاري",
    "صاحب العمل",
)
PROFILE_FACTS: tuple[ProfileFact, ...] = (
    ProfileFact(
        _("the applicant's name"),
        Recognised(
            frozenset({"name", "full_name", "applicant_name", "applicant_full_name", "name_ar", "name_en"}),
            ("your name", "your full name", "applicant's name", "اسمك", "اسم مقدم الطلب"),
            _SOMEONE_ELSE,
        ),
    ),
    ProfileFact(
        _("the applicant's personal number (CPR)"),
        Recognised(
            frozenset({"cpr", "national_id", "applicant_cpr", "applicant_national_id", "personal_number",
                       "cpr_number"}),
            ("your personal number", "your cpr", "رقمك الشخصي", "الرقم الشخصي لمقدم الطلب"),
            _SOMEONE_ELSE,
        ),
    ),
    ProfileFact(
        _("the applicant's address"),
        Recognised(
            frozenset({"home_address", "residential_address", "applicant_address", "residence_address"}),
            ("your address", "your home address", "عنوانك", "عنوان سكنك"),
            _SOMEONE_ELSE,
        ),
    ),
    ProfileFact(
        _("the applicant's mobile number"),
        Recognised(
            frozenset({"mobile", "mobile_number", "phone", "phone_number", "applicant_mobile", "applicant_phone",
                       "contact_phone", "contact_mobile", "contact_number"}),
            ("your mobile", "your phone number", "your mobile number", "رقم هاتفك", "رقم جوالك", "هاتفك"),
            _SOMEONE_ELSE,
        ),
    ),
    ProfileFact(
        _("the applicant's e-mail address"),
        Recognised(
            frozenset({"email", "email_address", "applicant_email", "contact_email"}),
            ("your email", "your e-mail", "بريدك الالكتروني"),
            _SOMEONE_ELSE,
        ),
    ),
    ProfileFact(
        _("the applicant's date of birth"),
        Recognised(
            frozenset({"birth_date", "date_of_birth", "dob", "applicant_birth_date"}),
            ("your date of birth", "your birth date", "تاريخ ميلادك"),
            _SOMEONE_ELSE,
        ),
    ),
)
# fmt: on


def held_document(key: str, label: LocalizedText) -> HeldDocument | None:
    """The register that already holds the document ``key``/``label`` asks for, if any."""
    return next((held for held in HELD_DOCUMENTS if held.recognised.matches(key, label)), None)


def profile_fact(key: str, label: LocalizedText, page_title: LocalizedText | None = None) -> ProfileFact | None:
    """The fact of the applicant's own profile the field ``key``/``label`` asks again, if any."""
    return next((fact for fact in PROFILE_FACTS if fact.recognised.matches(key, label, page_title)), None)

#!/usr/bin/env python3
"""Writes app/src/customers/testdata/phones_libphonenumber.jsonl: Algerian (and a few foreign)
phone spellings with libphonenumber's answers (the `phonenumbers` PyPI port, its metadata version
printed in the first line), read with Algeria as the default region. The phone tests must agree
with every line. Run: pip install phonenumbers==9.0.43 && python3 scripts/gen_phone_cases.py
"""
import json
import random

import phonenumbers

rng = random.Random(14)


def nsn_cases():
    for _ in range(700):  # 9 digits starting 5, 6 or 7: allocated blocks and the rest
        yield str(rng.randint(500, 799)) + "".join(rng.choice("0123456789") for _ in range(6))
    for _ in range(250):  # fixed lines, 8 digits, and 9 digits starting 1-4 (no such number)
        yield str(rng.randint(1, 4)) + "".join(rng.choice("0123456789") for _ in range(7))
    for _ in range(60):
        yield str(rng.randint(1, 4)) + "".join(rng.choice("0123456789") for _ in range(8))
    for prefix in ["800", "801", "803", "808", "982", "983", "9619", "900", "96"]:  # special ranges
        for _ in range(8):
            yield prefix + "".join(rng.choice("0123456789") for _ in range(9 - len(prefix)))
    for _ in range(60):  # wrong lengths
        n = rng.choice([6, 7, 10, 11])
        yield str(rng.randint(1, 9)) + "".join(rng.choice("0123456789") for _ in range(n - 1))


ARABIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
PERSIAN = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
FULLWIDTH = str.maketrans("0123456789+", "０１２３４５６７８９＋")


def grouped(nsn, sep):
    national = "0" + nsn
    if len(nsn) == 9:
        parts = [national[:4], national[4:6], national[6:8], national[8:]]
    else:
        parts = [national[i:i + 2] for i in range(0, len(national), 2)]
    return sep.join(parts)


def spellings(nsn):
    yield "0" + nsn
    yield grouped(nsn, " ")
    yield grouped(nsn, ".")
    yield grouped(nsn, "-")
    yield grouped(nsn, "\u2013")
    yield grouped(nsn, "\u00a0")
    yield "+213" + nsn
    yield "+213 " + " ".join(nsn[i:i + 3] for i in range(0, len(nsn), 3))
    yield "00213" + nsn
    yield "00 213 " + nsn
    yield "213" + nsn
    yield nsn
    yield "+213 (0) " + nsn
    yield "+2130" + nsn
    yield "(0" + nsn[:3] + ") " + nsn[3:]
    yield ("0" + nsn).translate(ARABIC)
    yield ("0" + nsn).translate(PERSIAN)
    yield ("0" + nsn).translate(FULLWIDTH)
    yield ("+213" + nsn).translate(FULLWIDTH)
    yield "tel:+213" + nsn
    yield "tel:+213-" + nsn
    yield "\u200e0" + nsn + "\u200f"
    yield "\u2066+213 " + nsn + "\u2069"


FOREIGN = ["+33612345678", "+33 1 42 68 53 00", "0033612345678", "+44 7911 123456", "+1 650 253 0000",
           "+216 20 123 456", "+212 612 345678", "+212 5 22 12 34 56", "+90 532 123 45 67", "+33 6 12",
           "+971 50 123 4567", "+49 1512 3456789", "+34 612 34 56 78", "+20 100 123 4567"]

cases = []
for nsn in nsn_cases():
    forms = list(spellings(nsn))
    cases.extend(rng.sample(forms, 4))
cases.extend(FOREIGN)
seen = set()
lines = [json.dumps({"libphonenumber": phonenumbers.__version__, "region": "DZ"})]
for raw in cases:
    if raw in seen:
        continue
    seen.add(raw)
    try:
        p = phonenumbers.parse(raw, "DZ")
        valid = phonenumbers.is_valid_number(p)
        e164 = phonenumbers.format_number(p, phonenumbers.PhoneNumberFormat.E164) if valid else None
    except phonenumbers.NumberParseException:
        valid, e164 = False, None
    lines.append(json.dumps({"raw": raw, "valid": valid, "e164": e164}, ensure_ascii=False))
with open("app/src/customers/testdata/phones_libphonenumber.jsonl", "w", encoding="utf-8") as f:
    f.write("\n".join(lines) + "\n")
print(len(lines) - 1, "cases,", sum('"valid": true' in l for l in lines), "valid")

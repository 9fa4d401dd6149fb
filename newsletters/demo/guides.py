"""The new Trade4MSMEs guides announced in the Summer 2022 issue.

The printed table has two columns, "MSMEs" and "Policymakers", which the
text extraction interleaves; the rows below restore each guide to its column.
Titles are kept as printed, including "Think Small First Principal".
"""

from datetime import date

# The issue does not say when each guide went online; the issue's own date
# stands in, being the date by which they were announced as new.
ADDED_ON = date(2022, 7, 1)

MSME_GUIDES = "https://trade4msmes.org/msme-resources/msme-guides/"
POLICYMAKER_GUIDES = "https://trade4msmes.org/policymaker-resources/policymaker-guides/"

# (topic name, topic slug)
TOPICS = [
    ("Competition Policy", "competition-policy"),
    ("Exchange Rates", "exchange-rates"),
    ("Government Procurement", "government-procurement"),
    ("Investment Facilitation", "investment-facilitation"),
    ("Regional Trade Agreements", "regional-trade-agreements"),
    ("Reverse Logistics", "reverse-logistics"),
    ("Standards", "standards"),
    ("Standards for Cross-Border Paperless Trade", "standards-for-cross-border-paperless-trade"),
    ("Think Small First", "think-small-first"),
    ("Trade Remedies", "trade-remedies"),
    ("Voluntary Sustainability Standards", "voluntary-sustainability-standards"),
]

# (title as printed, audience, topic slug, link).
# Only the links for Competition Policy and Government Procurement are printed
# in the issue. The others are inferred from the same pattern of the 2022 site
# (a section per audience, then the guide's slug) and may have moved since.
GUIDES = [
    # The "MSMEs" column.
    (
        "Standards for Cross-Border Paperless Trade – for MSMEs",
        "msmes",
        "standards-for-cross-border-paperless-trade",
        MSME_GUIDES + "standards-for-cross-border-paperless-trade/",  # inferred
    ),
    ("Exchange Rates", "msmes", "exchange-rates", MSME_GUIDES + "exchange-rates/"),  # inferred
    (
        "Reverse Logistics",
        "msmes",
        "reverse-logistics",
        MSME_GUIDES + "reverse-logistics/",  # inferred
    ),
    ("Standards", "msmes", "standards", MSME_GUIDES + "standards/"),  # inferred
    (
        "Voluntary Sustainability Standards (VSS) – for MSMEs",
        "msmes",
        "voluntary-sustainability-standards",
        MSME_GUIDES + "voluntary-sustainability-standards/",  # inferred
    ),
    # The "Policymakers" column.
    (
        "Standards for Cross-Border Paperless Trade – for policymakers",
        "policymakers",
        "standards-for-cross-border-paperless-trade",
        POLICYMAKER_GUIDES + "standards-for-cross-border-paperless-trade/",  # inferred
    ),
    (
        "Competition Policy",
        "policymakers",
        "competition-policy",
        POLICYMAKER_GUIDES + "competition-policy/",  # printed
    ),
    (
        "Government Procurement",
        "policymakers",
        "government-procurement",
        POLICYMAKER_GUIDES + "government-procurement/",  # printed
    ),
    (
        "Investment Facilitation",
        "policymakers",
        "investment-facilitation",
        POLICYMAKER_GUIDES + "investment-facilitation/",  # inferred
    ),
    (
        "Regional Trade Agreements",
        "policymakers",
        "regional-trade-agreements",
        POLICYMAKER_GUIDES + "regional-trade-agreements/",  # inferred
    ),
    (
        "Think Small First Principal",
        "policymakers",
        "think-small-first",
        POLICYMAKER_GUIDES + "think-small-first-principle/",  # inferred
    ),
    (
        "Trade Remedies",
        "policymakers",
        "trade-remedies",
        POLICYMAKER_GUIDES + "trade-remedies/",  # inferred
    ),
    (
        "Voluntary Sustainability Standards (VSS) – for policymakers",
        "policymakers",
        "voluntary-sustainability-standards",
        POLICYMAKER_GUIDES + "voluntary-sustainability-standards/",  # inferred
    ),
]

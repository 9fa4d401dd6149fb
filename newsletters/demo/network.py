"""Register data printed in the Summer 2022 issue: the Group's members, its
coordinator and previous chair, and the Trade4MSMEs Network.

The newsletter's membership list has faults that are corrected here rather
than copied: Mongolia is listed twice (once out of place, before the Republic
of Moldova), and the United Kingdom comes after Uruguay. The corrected list
has 67 economies plus the European Union, which counts as its 27 member
States, so the Group's size is 94, the figure the newsletter states.
"""

from datetime import date

# (name as the WTO shows it, sort key, joined the Group on).
# Founding members and members whose joining date the issue does not give
# have no date. The issue says Macao, China and Tajikistan joined "in December
# 2021 and May 2022": only the month is known, so the first day is stored.
# "Turkey" is kept as printed although the WTO has used "Türkiye" since 2022.
# Chinese Taipei sorts under C, where a reader looks for it; WTO documents
# list it under T, after Switzerland, as the seed does.
ECONOMIES = [
    ("Afghanistan", "Afghanistan", None),
    ("Albania", "Albania", None),
    ("Antigua and Barbuda", "Antigua and Barbuda", None),
    ("Argentina", "Argentina", None),
    ("Armenia", "Armenia", None),
    ("Australia", "Australia", None),
    ("Bahrain, Kingdom of", "Bahrain, Kingdom of", None),
    ("Belize", "Belize", None),
    ("Brazil", "Brazil", None),
    ("Brunei Darussalam", "Brunei Darussalam", None),
    ("Canada", "Canada", None),
    ("Chile", "Chile", None),
    ("China", "China", None),
    ("Chinese Taipei", "Chinese Taipei", None),
    ("Colombia", "Colombia", None),
    ("Costa Rica", "Costa Rica", None),
    ("Côte d'Ivoire", "Cote d'Ivoire", None),
    ("Dominica", "Dominica", None),
    ("the Dominican Republic", "Dominican Republic", None),
    ("Ecuador", "Ecuador", None),
    ("El Salvador", "El Salvador", None),
    ("European Union", "European Union", None),
    ("The Gambia", "Gambia, The", None),
    ("Georgia", "Georgia", None),
    ("Grenada", "Grenada", None),
    ("Guatemala", "Guatemala", None),
    ("Guyana", "Guyana", None),
    ("Honduras", "Honduras", None),
    ("Hong Kong, China", "Hong Kong, China", None),
    ("Iceland", "Iceland", None),
    ("Israel", "Israel", None),
    ("Japan", "Japan", None),
    ("Kazakhstan", "Kazakhstan", None),
    ("Kenya", "Kenya", None),
    ("the Republic of Korea", "Korea, Republic of", None),
    ("Kyrgyz Republic", "Kyrgyz Republic", None),
    ("Lao PDR", "Lao PDR", None),
    ("Liechtenstein", "Liechtenstein", None),
    ("Macao, China", "Macao, China", date(2021, 12, 1)),
    ("Malaysia", "Malaysia", None),
    ("Mexico", "Mexico", None),
    ("the Republic of Moldova", "Moldova, Republic of", None),
    ("Mongolia", "Mongolia", None),
    ("Montenegro", "Montenegro", None),
    ("Myanmar", "Myanmar", None),
    ("New Zealand", "New Zealand", None),
    ("Nicaragua", "Nicaragua", None),
    ("Nigeria", "Nigeria", None),
    ("North Macedonia", "North Macedonia", None),
    ("Norway", "Norway", None),
    ("Pakistan", "Pakistan", None),
    ("Paraguay", "Paraguay", None),
    ("Peru", "Peru", None),
    ("Philippines", "Philippines", None),
    ("Qatar", "Qatar", None),
    ("Russian Federation", "Russian Federation", None),
    ("Saint Kitts and Nevis", "Saint Kitts and Nevis", None),
    ("Saint Lucia", "Saint Lucia", None),
    ("Saint Vincent and the Grenadines", "Saint Vincent and the Grenadines", None),
    ("Saudi Arabia, Kingdom of", "Saudi Arabia, Kingdom of", None),
    ("Singapore", "Singapore", None),
    ("Switzerland", "Switzerland", None),
    ("Tajikistan", "Tajikistan", date(2022, 5, 1)),
    ("Turkey", "Turkey", None),
    ("Ukraine", "Ukraine", None),
    ("United Kingdom", "United Kingdom", None),
    ("Uruguay", "Uruguay", None),
    ("Viet Nam", "Viet Nam", None),
]

EUROPEAN_UNION = "European Union"
# The European Union's member States in 2022, each counted toward the Group.
EU_MEMBER_STATES = 27

# (name as printed, role, economy, term start, term end).
# The back page gives months only ("Since January 2018", "June 2017-January
# 2018"): terms start on the first and end on the last day of those months.
# The previous chair's name takes the accent the issue prints on page 10
# ("Héctor"); the line under "Coordinator" drops it.
OFFICERS = [
    ("H.E. Mr José Luis Cancela", "coordinator", "Uruguay", date(2018, 1, 1), None),
    ("H.E. Mr Héctor Casanueva", "chair", "Chile", date(2017, 6, 1), date(2018, 1, 31)),
]

# The Trade4MSMEs Network, launched on 8 June 2022, in the order printed.
# (name, acronym, kind, official website)
NETWORK_LAUNCHED_ON = date(2022, 6, 8)
ORGANIZATIONS = [
    ("Asian Development Bank", "ADB", "development_bank", "https://www.adb.org/"),
    (
        "European Bank for Reconstruction and Development",
        "EBRD",
        "development_bank",
        "https://www.ebrd.com/",
    ),
    ("Inter-American Development Bank", "IDB", "development_bank", "https://www.iadb.org/"),
    (
        "International Labour Organization",
        "ILO",
        "international_organization",
        "https://www.ilo.org/",
    ),
    (
        "International Telecommunication Union",
        "ITU",
        "international_organization",
        "https://www.itu.int/",
    ),
    ("International Trade Centre", "ITC", "international_organization", "https://intracen.org/"),
    (
        "Organisation for Economic Co-operation and Development",
        "OECD",
        "international_organization",
        "https://www.oecd.org/",
    ),
    (
        "United Nations Economic Commission for Africa",
        "UNECA",
        "un_regional_commission",
        "https://www.uneca.org/",
    ),
    (
        "United Nations Economic Commission for Europe",
        "UNECE",
        "un_regional_commission",
        "https://unece.org/",
    ),
    (
        "United Nations Economic Commission for Latin America and the Caribbean",
        "ECLAC",
        "un_regional_commission",
        "https://www.cepal.org/en",
    ),
    (
        "United Nations Economic and Social Commission for Asia and the Pacific",
        "ESCAP",
        "un_regional_commission",
        "https://www.unescap.org/",
    ),
    (
        "United Nations Economic and Social Commission for Western Asia",
        "ESCWA",
        "un_regional_commission",
        "https://www.unescwa.org/",
    ),
    (
        "United Nations Industrial Development Organization",
        "UNIDO",
        "international_organization",
        "https://www.unido.org/",
    ),
    (
        "United Nations Commission on International Trade Law",
        "UNCITRAL",
        "international_organization",
        "https://uncitral.un.org/",
    ),
    ("World Customs Organization", "WCO", "international_organization", "https://www.wcoomd.org/"),
    (
        "World Intellectual Property Organization",
        "WIPO",
        "international_organization",
        "https://www.wipo.int/",
    ),
    # "World Bank" is its short name already; an acronym would only repeat it.
    ("World Bank", "", "development_bank", "https://www.worldbank.org/"),
]

"""Word lists the English content generator draws from (data only)."""
# fmt: off

from __future__ import annotations

#: (section key, weight). News dominates, as on the real home page.
SECTION_WEIGHTS: tuple[tuple[str, int], ...] = (
    ("news/politics", 40),
    ("news/economy", 6),
    ("news/sports", 3),
    ("news/arts-culture", 2),
    ("news/health", 2),
    ("news/miscellaneous", 2),
    ("news/technology", 2),
    ("news/environment", 2),
    ("articles/opinion", 6),
    ("articles/analysis", 5),
    ("articles/blog", 3),
    ("articles/features", 2),
    ("videos/newsfeed", 4),
    ("videos/video-features", 2),
    ("videos/explainers", 2),
    ("videos/tv", 2),
    ("videos/digital-series", 1),
    ("infographs", 4),
    ("in-pictures", 4),
)

REGIONS: tuple[str, ...] = (
    "Africa", "Asia", "Asia-Pacific", "Europe", "Latin America", "MENA", "Palestine", "US & Canada",
)

COVERAGES: tuple[str, ...] = (
    "War on Gaza", "Ukraine War", "Lebanon Under Attack", "Yemen Front", "Sahel Uprising",
)

HOUSE_AUTHORS: tuple[str, ...] = ("Al Mayadeen English", "Al Mayadeen Net", "Al Mayadeen")

WRITERS: tuple[str, ...] = (
    "Roqayah Chamseddine", "Amro Allan", "Ali Hadi", "Zeinab Sabra", "Hussein Assaf",
    "Mohammad Hasan Sweidan", "Karim Mahmoud", "Lea Khoury", "Tariq Omar", "Rania Saad",
    "Daniel Ortega Ruiz", "Nadia Haddad", "Jamal Wakim", "Mariam Issa", "Youssef Fares",
    "Hiba Morad", "Sara Abdallah", "Kevin Shields", "Ana Lucía Pérez", "Omar D'Souza",
)

SOURCES: tuple[tuple[str, int], ...] = (
    ("Agencies", 40), ("Al Mayadeen English", 25), ("Al Mayadeen", 8), ("News websites", 8),
    ("Al Mayadeen Net", 4), ("Reuters", 4), ("Forward", 2), ("Financial Times", 3),
    ("Press TV", 2), ("Sputnik", 2), ("The Cradle", 2),
)

TAGS: tuple[str, ...] = (
    "Russia", "US", "Iran", "Ukraine", "Gaza", "Palestine", "Lebanon", "Syria", "Yemen", "Iraq",
    "China", "Europe", "NATO", "Israeli occupation", "Hezbollah", "Hamas", "Ansar Allah",
    "Sanctions", "Oil", "United Nations", "Egypt", "Saudi Arabia", "Turkey", "Venezuela", "Cuba",
    "Africa", "Sahel", "Niger", "Mali", "South Africa", "Brazil", "India", "Pakistan",
    "Afghanistan", "Joe Biden", "Donald Trump", "Vladimir Putin", "Benjamin Netanyahu",
    "West Bank", "Jenin", "Al-Aqsa Mosque", "Al-Aqsa Flood", "Climate change", "COVID-19",
    "Football", "World Cup", "Olympics", "Artificial intelligence", "BRICS", "G7",
    "European Union", "Germany", "France", "United Kingdom", "Japan", "North Korea",
    "South Korea", "Taiwan", "Libya", "Sudan", "Algeria", "Morocco", "Tunisia", "Jordan",
    "Qatar", "UAE", "Bahrain", "Kuwait", "Oman", "Red Sea", "Strait of Hormuz", "Drones",
    "Drone sale", "UAV", "Nuclear deal", "IAEA", "ICC", "ICJ", "Genocide", "Refugees",
    "Humanitarian aid", "UNRWA", "Inflation", "Gas prices", "Federal Reserve", "Dollar",
    "Elections", "Protests", "Human rights", "Press freedom", "Al Mayadeen", "Resistance",
    "Lebanese Army", "IOF", "Settlers", "Prisoners", "Hunger strike", "Colombia", "Bolivia",
    "Argentina", "Mexico", "Canada", "Wall Street", "Crypto", "Space", "Health", "Vaccines",
    "Earthquake", "Floods", "Wildfires", "Culture", "Cinema", "Music", "Football's World Cup",
    "Sheikh Naim Qassem", "Sayyed Hassan Nasrallah", "Yahya Sinwar", "Abdul-Malik al-Houthi",
    "Kiev", "Moscow", "Tehran", "Beirut", "Damascus", "Baghdad", "Sanaa", "Cairo",
    "Int'l Court of Justice", "Peace talks", "Ceasefire", "Arms exports", "F-35", "Patriot",
)

PEOPLE: tuple[tuple[str, str], ...] = (
    ("John Kirby", "National Security Council spokesperson"),
    ("Dmitry Peskov", "Kremlin spokesperson"),
    ("Maria Zakharova", "Russian Foreign Ministry spokesperson"),
    ("Nasser Kanaani", "Iranian Foreign Ministry spokesperson"),
    ("Antonio Guterres", "UN Secretary-General"),
    ("Josep Borrell", "EU foreign policy chief"),
    ("Sergey Lavrov", "Russian Foreign Minister"),
    ("Hossein Amir-Abdollahian", "Iranian Foreign Minister"),
    ("Nabih Berri", "Lebanese Parliament Speaker"),
    ("Yahya Saree", "Yemeni Armed Forces spokesperson"),
    ("Abu Obeida", "Al-Qassam Brigades spokesperson"),
    ("Matthew Miller", "State Department spokesperson"),
    ("Karine Jean-Pierre", "White House Press Secretary"),
    ("Wang Wenbin", "Chinese Foreign Ministry spokesperson"),
    ("Luiz Inácio Lula da Silva", "Brazilian President"),
    ("Gustavo Petro", "Colombian President"),
    ("Francesca Albanese", "UN Special Rapporteur"),
    ("Philippe Lazzarini", "UNRWA Commissioner-General"),
    ("Tedros Adhanom Ghebreyesus", "WHO Director-General"),
    ("Nidal Abu Zaid", "strategic military expert"),
)

PLACES: tuple[str, ...] = (
    "Gaza", "Beirut", "Tehran", "Moscow", "Washington", "Kiev", "Sanaa", "Damascus", "Baghdad",
    "Cairo", "Ankara", "Beijing", "Brussels", "Paris", "London", "Berlin", "Caracas", "Havana",
    "Niamey", "Bamako", "Johannesburg", "New Delhi", "Islamabad", "Doha", "Riyadh", "Amman",
    "Khan Younis", "Rafah", "Jenin", "Nablus", "al-Quds", "Sidon", "Tyre", "Aleppo", "Hodeidah",
)

ACTORS: tuple[str, ...] = (
    "Iran", "Russia", "China", "The US", "The EU", "Hezbollah", "Hamas", "Yemen's Armed Forces",
    "The UN", "Germany", "France", "The UK", "Brazil", "South Africa", "Venezuela", "Turkey",
    "Egypt", "Qatar", "Saudi Arabia", "NATO", "The Kremlin", "The White House", "The Pentagon",
    "Lebanon", "Syria", "Iraq", "Algeria", "Niger", "Mali", "India", "Pakistan", "Cuba",
    "Palestinian Resistance", "Lebanese Resistance", "The IAEA", "The ICJ", "WHO",
)

VERBS: tuple[str, ...] = (
    "slams", "rejects", "warns of", "announces", "condemns", "welcomes", "calls for",
    "denies", "confirms", "plans", "launches", "suspends", "backs", "criticizes", "vows",
    "demands", "hails", "questions", "signs", "unveils",
)

OBJECTS: tuple[str, ...] = (
    "new sanctions", "arms shipments", "a ceasefire proposal", "drone strikes", "oil exports",
    "the nuclear talks", "military cooperation", "trade deal", "humanitarian corridor",
    "prisoner exchange", "gas pipeline", "border closure", "election results", "aid convoy",
    "naval drills", "airspace violations", "defense budget", "peace initiative",
    "energy crisis", "grain deal", "evacuation plan", "security agreement", "troop withdrawal",
    "missile tests", "economic blockade", "media ban", "wheat imports", "debt relief",
)

CONTEXTS: tuple[str, ...] = (
    "amid rising tensions", "as talks stall", "after deadly raid", "despite Western pressure",
    "in rare statement", "as war enters new phase", "ahead of summit", "amid Gaza genocide",
    "over 'security concerns'", "after 48 hours", "amid fears of war", "as prices soar",
    "in 'historic' move", "for third time", "following emergency meeting", "as protests grow",
)

CONNECTIVES: tuple[str, ...] = (
    "Furthermore,", "Meanwhile,", "In addition,", "On the other hand,", "Earlier,",
    "According to the statement,", "In response,", "At the same time,", "Notably,",
    "For his part,", "On a related note,", "Moreover,",
)

QUOTE_LINES: tuple[str, ...] = (
    "we will not stand idly by",
    "the situation on the ground is catastrophic",
    "this is a clear violation of international law",
    "our position has been announced many times",
    "the other side bears full responsibility",
    "there has been no special development recently",
    "we’ve seen no indications of any change",
    "the coming weeks will be full of surprises",
    "the blockade must end immediately",
    "no one can impose their will on the people",
    "the talks were constructive and frank",
    "they're trying to slow down the process",
)

CAPTION_TEMPLATES: tuple[str, ...] = (
    "{person}, {role}, speaks during a press conference in {place}, {date} (AP)",
    "A general view of {place}, {date} (Reuters)",
    "People gather in {place} after the announcement, {date} (AFP)",
    "{person} in {place} (Al Mayadeen English; Illustrated by Arwa Makki)",
    "Smoke rises over {place} following an airstrike, {date} (AP)",
    "Protesters hold placards in {place} (Social media)",
)

#: Other hosts that bodies cite; a crawler must not follow them.
EXTERNAL_SOURCES: tuple[tuple[str, str], ...] = (
    ("Reuters", "https://www.reuters.com/world/middle-east/"),
    ("The Guardian", "https://www.theguardian.com/world/middleeast"),
    ("Al Mayadeen Arabic", "https://www.almayadeen.net/news/politics"),
    ("Al Mayadeen Español", "https://espanol.almayadeen.net/noticias/politica"),
    ("Haaretz", "https://www.haaretz.com/israel-news/"),
    ("Press TV", "https://www.presstv.ir/Section/10101"),
)

SOCIAL_LINKS: tuple[tuple[str, str], ...] = (
    ("x", "https://x.com/MayadeenEnglish"),
    ("Facebook", "https://www.facebook.com/AlMayadeenEnglish"),
    ("Telegram", "https://t.me/AlMayadeenEnglish"),
    ("YouTube", "https://www.youtube.com/@AlMayadeenEnglish"),
)

BREAKING: tuple[str, ...] = (
    "Al Mayadeen's correspondent: Another airstrike targets Beirut's southern suburb",
    "Sources to Al Mayadeen: Number of documents so great that merely studying them will "
    "require a great deal of time.",
    "Fallahpour: The coming weeks will be full of surprises",
    "Berri: It is our fate every Eid al-Adha to offer sacrifices in defense of Lebanon",
    "Yemeni Armed Forces: We targeted a vessel in the Red Sea with ballistic missiles",
    "UNRWA: More than 70% of Gaza's schools have been damaged",
)

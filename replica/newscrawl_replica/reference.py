"""The one real English article page we have, as the replica serves it (2022 layout).

Text is the page's exact text (``shared/data/seed/white-house-drone-sale.page.txt``): curly quotes
kept, and the trailing spaces the page shows on some paragraphs kept too (the record strips them).
"""

from __future__ import annotations

from datetime import UTC, datetime

PATH = "/news/politics/white-house-has-no-evidence-of-drone-sale-from-iran-to-russi"
SECTION = "news/politics"
TITLE = "White House has no evidence of drone sale from Iran to Russia"
DESCRIPTION = (
    "US National Security Council spokesperson says the White House has not observed any signs "
    "of the possible sale of UAV drones between Iran and Moscow, revealing that the US has no "
    "evidence despite all previous claims."
)
AUTHORS = ("Al Mayadeen English",)
SOURCE = "Agencies"
#: 29 Jul 2022 11:49 Beirut time (EEST, UTC+3).
PUBLISHED = int(datetime(2022, 7, 29, 8, 49, tzinfo=UTC).timestamp())
MODIFIED = int(datetime(2022, 7, 29, 9, 2, 11, tzinfo=UTC).timestamp())
SHARES = 1
READ_TIME = 3
REGION = "US & Canada"
COVERAGE = None
CAPTION = "National Security Council spokesperson John Kirby"
TAGS = ("Russia", "US", "Drone sale", "UAV", "Iran")
KEYWORDS_RAW = "Russia,US,Drone sale,UAV,Iran,Russia"
POST_ID = 1603412

PARAGRAPHS = (
    "The White House declared that the US has no evidence of an Iran-Russia sale of UAV drones. "
    "It further noted that no signs of purchase have been observed even weeks after the US claimed "
    "that Russia is buying drones from the US.",
    "John Kirby, the National Security Council spokesperson, attempted to minimize the scale of "
    "this intelligence media stunt by stating that the White House has not seen any deal “that has "
    "been actually affected,” adding, “We’ve seen no indications of any sort of actual delivery "
    "and/or purchase of Iranian drones by the Russian Ministry of Defense.” ",
    "Kirby's comments came more than two weeks after National Security Advisor Jake Sullivan said "
    'that Washington had concrete proof that Iran was getting ready to sell "several hundred" '
    'drones to Russia, including "weapons-capable UAVs," and that the deal would be finalized '
    "quickly. At the time, Sullivan predicted that training for the new vehicles would start soon "
    "and even mused that deliveries could have already started.",
    "In response to the US allegations, Iranian Foreign Ministry spokesperson Nasser Kanaani told "
    'reporters, on July 12, "The history of cooperation between the Islamic Republic of Iran and '
    "the Russian Federation in the field of some new technologies dates back to before the start "
    "of the war in Ukraine and there has been no special development in this relationship "
    'recently."',
    'Furthermore, the spokesperson said that "The position of the Islamic Republic of Iran '
    'regarding the war in Ukraine is quite clear and has been officially announced many times," '
    'adding that "The claim of the US official comes while the United States and the Europeans '
    "have for years turned the occupying and aggressor countries, including in the West Asian "
    'region, into a storehouse for their various fatal weapons." ',
    "Furthermore, and despite acknowledging that the US’ bluff failed, Kirby reiterated "
    "Washington's insistence on the claim that Moscow is in search of new weaponry, adding that "
    "Russia “obviously has no intention of trying to slow down” when talking about the Russian "
    "operation in Ukraine and is looking for new ways to bolster its forces.",
    "On the Russian end, President Vladimir Putin stated that Russia had no intention of "
    "discussing potential drone sales during the Tehran summit. Kremlin spokesperson Dmitry Peskov "
    "argued that Russia would rather get its drones from Turkey, Bayraktar drones, which were also "
    "sold to Kiev by Ankara. This confirmed that during the summit held in Tehran, Turkey and "
    "Russia discussed military cooperation to be during the visit of Turkish President Recep "
    "Tayyip Erdogan to Sochi on August 5.",
)
#: The Related News box follows this many paragraphs.
RELATED_AFTER = 3
RELATED_TITLES = (
    "Ukraine fails to show at exchange location, prompting Russian rebukes",
    "Germany plans major bunker expansion amid fears of war with Russia",
)
READ_MORE_TITLE = "Putin slams ‘golden billion’ idea as neocolonial, racist"

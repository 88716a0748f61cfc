"""Small built-in name lists for synthetic people.

Every person in benchmark data is an invented combination of a first name and a surname drawn
at random from these lists; no record describes a real person.
"""

from __future__ import annotations

FIRST_NAMES: tuple[str, ...] = (
    "Ada", "Alden", "Ansel", "Bea", "Brielle", "Caspar", "Cleo", "Dashiell", "Delia", "Edda",
    "Emrys", "Fenna", "Florian", "Greer", "Hollis", "Ines", "Ivo", "Jessamy", "Juno", "Kesia",
    "Laszlo", "Linnea", "Marlo", "Mireille", "Nell", "Niall", "Odile", "Orrin", "Petra", "Quill",
    "Rosalind", "Rune", "Sabine", "Soren", "Tamsin", "Tobiah", "Una", "Ulric", "Vesna", "Wren",
    "Xavi", "Yara", "Ysolde", "Zeno", "Zinnia", "Anselm", "Birgit", "Corin", "Dagny", "Elio",
)  # fmt: skip

LAST_NAMES: tuple[str, ...] = (
    "Abernathy-Quell", "Ashgrove", "Bellweather", "Birchfield", "Blackthorn", "Brambleton",
    "Calloway-Finch", "Candlewood", "Castellane", "Dunmore", "Duskwater", "Elderidge", "Emberly",
    "Fairbrook", "Farrowdale", "Fenwright", "Gildersleeve", "Glasshaven", "Greyhollow",
    "Hallowell", "Harrowgate", "Hazelrigg", "Ironwood", "Ivesdale", "Juniperlee", "Kestrelton",
    "Kingsbury-Lowe", "Larkspur", "Lindqvist-Moor", "Marchbank", "Merriweather", "Mossgrove",
    "Nettlefold", "Northcote", "Oakenshaw", "Orchardson", "Pendergrast", "Pinecroft", "Quarrington",
    "Quillfeather", "Ravenscroft", "Redfern", "Rookwood", "Saltmarsh", "Silverlake", "Stonebridge",
    "Thistlewood", "Thornbury", "Umberfield", "Underhill-Vance", "Valemont", "Vintner-Ash",
    "Waverleigh", "Westerholt", "Whitlock-Ayre", "Willowmere", "Wintergreen", "Yarrowby",
    "Yellowhammer", "Zephyrine",
)  # fmt: skip

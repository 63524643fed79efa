"""Word lists the Spanish content generator draws from (data only)."""
# fmt: off

from __future__ import annotations

#: (section key, weight): Noticias dominates, as on the real home page [model].
SECTION_WEIGHTS: tuple[tuple[str, int], ...] = (
    ("politica", 34), ("cultura-y-arte", 3), ("deportes", 3), ("salud", 2), ("tecnologia", 2),
    ("medio-ambiente", 2), ("medios-internacionales", 6), ("cronicas-del-medio-oriente", 5),
    ("video", 4), ("articulos-exclusivos", 4), ("articulos", 6), ("entrevistas", 4),
    ("profundidad", 4), ("television", 3), ("infografias", 3), ("caricaturas", 2),
    ("historietas", 1),
)

REGIONS: tuple[str, ...] = (
    "Medio Oriente", "América Latina", "EE.UU.-Canadá", "Europa", "África", "Asia", "Oceanía",
)

COVERAGES: tuple[str, ...] = (
    "Guerra en Gaza", "Líbano bajo ataque", "Frente de Yemen", "Operación Diluvio de Al-Aqsa",
)

HOUSE_AUTHORS: tuple[str, ...] = ("Al Mayadeen Español", "Red El Mayadeen", "Al Mayadeen")

WRITERS: tuple[str, ...] = (
    "Ernesto Pérez Castellanos", "Laura Ramírez Ortega", "Atilio Borón", "Ramiro Díaz",
    "Fernando Buen Abad", "Carolina Vásquez Araya", "Hussein Assaf", "Marwan Hachem",
    "Sofía Martínez", "Diego Fernández", "Javier Ortiz Núñez", "Ana Lucía Gómez",
    "Pablo Jofré Leal", "Nahia Sanzo", "Ángel Guerra Cabrera", "Zeinab Abdallah",
)

SOURCES: tuple[tuple[str, int], ...] = (
    ("Exclusivo Al Mayadeen", 30), ("Agencias", 35), ("Al Mayadeen", 12),
    ("Medios internacionales", 8), ("Al Mayadeen Español", 8), ("Prensa Latina", 4),
    ("Telesur", 3),
)

TAGS: tuple[str, ...] = (
    "Gaza", "Palestina", "Líbano", "Siria", "Yemen", "Irán", "Irak", "Estados Unidos", "Rusia",
    "China", "Venezuela", "Cuba", "Bolivia", "Colombia", "México", "Brasil", "Argentina",
    "Nicaragua", "Chile", "Unión Europea", "OTAN", "Naciones Unidas", "Hezbolá", "Hamás",
    "Ansar Alá", "Resistencia", "Cisjordania", "Yenín", "Al-Aqsa", "Sanciones", "Petróleo",
    "Bloqueo", "Genocidio", "Derechos humanos", "Refugiados", "Ayuda humanitaria", "UNRWA",
    "Corte Internacional de Justicia", "Corte Penal Internacional", "BRICS", "Donald Trump",
    "Nicolás Maduro", "Sayyed Hassan Nasrallah", "Sheij Naim Qassem", "Benjamín Netanyahu",
    "Ocupación israelí", "Alto el fuego", "Drones", "Misiles", "Elecciones", "Protestas",
    "Economía", "Inflación", "Cambio climático", "Fútbol", "Cultura", "Cine", "Salud pública",
    "Vacunas", "Inteligencia artificial", "Mar Rojo", "Estrecho de Ormuz", "Prisioneros",
    "Huelga de hambre", "Colonos", "Ejército libanés", "Teherán", "Beirut", "Damasco",
    "Bagdad", "Saná", "El Cairo", "Caracas", "La Habana", "Washington", "Moscú", "Pekín",
)

PEOPLE: tuple[tuple[str, str], ...] = (
    ("Abbas Araqchi", "canciller iraní"),
    ("María Zajárova", "portavoz de la Cancillería rusa"),
    ("António Guterres", "secretario general de la ONU"),
    ("Francesca Albanese", "relatora especial de la ONU"),
    ("Philippe Lazzarini", "comisionado general de la UNRWA"),
    ("Yahya Saree", "portavoz de las Fuerzas Armadas yemeníes"),
    ("Abu Obeida", "portavoz de las Brigadas Al-Qassam"),
    ("Nabih Berri", "presidente del Parlamento libanés"),
    ("Gustavo Petro", "presidente de Colombia"),
    ("Luiz Inácio Lula da Silva", "presidente de Brasil"),
    ("Miguel Díaz-Canel", "presidente de Cuba"),
    ("Yván Gil", "canciller venezolano"),
    ("Dmitri Peskov", "portavoz del Kremlin"),
    ("Mao Ning", "portavoz de la Cancillería china"),
    ("Tedros Adhanom Ghebreyesus", "director general de la OMS"),
    ("Nidal Abu Zaid", "experto militar"),
)

PLACES: tuple[str, ...] = (
    "Gaza", "Beirut", "Teherán", "Moscú", "Washington", "Saná", "Damasco", "Bagdad", "El Cairo",
    "Caracas", "La Habana", "Bogotá", "Brasilia", "Ciudad de México", "La Paz", "Managua",
    "Pekín", "Bruselas", "Madrid", "Ginebra", "Nueva York", "Jan Yunis", "Rafah", "Yenín",
    "Nablus", "Al-Quds", "Sidón", "Tiro", "Alepo", "Hodeida",
)

ACTORS: tuple[str, ...] = (
    "Irán", "Rusia", "China", "EE.UU.", "La UE", "Hezbolá", "Hamás", "Yemen", "La ONU",
    "Venezuela", "Cuba", "Bolivia", "Colombia", "Brasil", "México", "Nicaragua", "Sudáfrica",
    "Egipto", "Catar", "Turquía", "La OTAN", "El Kremlin", "La Casa Blanca", "El Pentágono",
    "Líbano", "Siria", "Irak", "Argelia", "La Resistencia palestina", "La Resistencia libanesa",
    "La OMS", "La CIJ",
)

VERBS: tuple[str, ...] = (
    "condena", "rechaza", "advierte sobre", "anuncia", "denuncia", "celebra", "pide",
    "niega", "confirma", "prepara", "lanza", "suspende", "respalda", "critica", "exige",
    "firma", "presenta", "cuestiona",
)

OBJECTS: tuple[str, ...] = (
    "nuevas sanciones", "el envío de armas", "una propuesta de alto el fuego",
    "ataques con drones", "las exportaciones de petróleo", "las negociaciones nucleares",
    "la cooperación militar", "un acuerdo comercial", "un corredor humanitario",
    "el canje de prisioneros", "el bloqueo económico", "los resultados electorales",
    "un convoy de ayuda", "maniobras navales", "violaciones del espacio aéreo",
    "una iniciativa de paz", "la crisis energética", "un plan de evacuación",
    "la retirada de tropas", "pruebas de misiles", "la prohibición de medios",
)

CONTEXTS: tuple[str, ...] = (
    "en medio de crecientes tensiones", "tras el estancamiento de las conversaciones",
    "después de una incursión mortal", "pese a la presión occidental", "en un raro comunicado",
    "ante la cumbre", "en medio del genocidio en Gaza", "por 'motivos de seguridad'",
    "tras 48 horas", "ante el temor de una guerra", "mientras suben los precios",
    "en una decisión 'histórica'", "por tercera vez", "tras una reunión de emergencia",
)

CONNECTIVES: tuple[str, ...] = (
    "Además,", "Mientras tanto,", "Por otra parte,", "Asimismo,", "Según el comunicado,",
    "En respuesta,", "Al mismo tiempo,", "Cabe destacar que", "Por su parte,", "Igualmente,",
)

QUOTE_LINES: tuple[str, ...] = (
    "no nos quedaremos de brazos cruzados",
    "la situación sobre el terreno es catastrófica",
    "se trata de una clara violación del derecho internacional",
    "nuestra posición ha sido anunciada en numerosas ocasiones",
    "la otra parte asume toda la responsabilidad",
    "las próximas semanas estarán llenas de sorpresas",
    "el bloqueo debe terminar de inmediato",
    "nadie puede imponer su voluntad a los pueblos",
    "las conversaciones fueron constructivas y francas",
    "intentan ralentizar el proceso",
)

CAPTION_TEMPLATES: tuple[str, ...] = (
    "{person}, {role}, durante una conferencia de prensa en {place}, {date} (AP)",
    "Vista general de {place}, {date} (Reuters)",
    "Personas reunidas en {place} tras el anuncio, {date} (AFP)",
    "{person} en {place} (Al Mayadeen Español)",
    "Humo sobre {place} tras un bombardeo, {date} (AP)",
    "Manifestantes con pancartas en {place} (Redes sociales)",
)

BREAKING: tuple[str, ...] = (
    "Corresponsal de Al Mayadeen: Nuevo bombardeo contra el suburbio sur de Beirut",
    "Fuerzas Armadas yemeníes: Atacamos un buque en el mar Rojo con misiles balísticos",
    "UNRWA: Más del 70% de las escuelas de Gaza han sido dañadas",
)

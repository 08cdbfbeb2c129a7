"""The booth's texts in Finnish, Swedish and English.

A booth serves everyone who walks in, so the first screens show all three
languages at once; the citizen never has to find a language switch.
"""

from __future__ import annotations

from kiosk.session import Notice

LANGUAGES = ("fi", "sv", "en")
#: Each language in itself, for the language buttons.
LANGUAGE_NAMES = {"fi": "Suomi", "sv": "Svenska", "en": "English"}

TEXTS: dict[str, tuple[str, str, str]] = {
    "welcome": ("Tervetuloa", "Välkommen", "Welcome"),
    "start": ("Aloita", "Börja", "Start"),
    "booking": ("Minulla on varaus", "Jag har en bokning", "I have a booking"),
    "start_hint": (
        "Paina aloittaaksesi videoasioinnin",
        "Tryck för att börja videomötet",
        "Press to start your video meeting",
    ),
    "lobby": (
        "Virkailija liittyy pian",
        "En handläggare ansluter snart",
        "An official will join you shortly",
    ),
    "cancel": ("Peruuta", "Avbryt", "Cancel"),
    "back": ("Takaisin", "Tillbaka", "Back"),
    "choose": ("Valitse asiasi", "Välj ditt ärende", "Choose your matter"),
    "choose_none": (
        "Tällä kielellä ei ole palveluja juuri nyt. Valitse toinen kieli.",
        "Det finns inga tjänster på det här språket just nu. Välj ett annat språk.",
        "There are no services in this language right now. Please choose another language.",
    ),
    "checkin": ("Kirjoita varauskoodisi", "Skriv din bokningskod", "Type your booking code"),
    "checkin_hint": (
        "tai näytä tekstiviestin tai kirjeen QR-koodi kameralle",
        "eller visa QR-koden i sms:et eller brevet för kameran",
        "or show the QR code from your SMS or letter to the camera",
    ),
    "queue_position": ("Olet jonossa {n}.", "Du är nummer {n} i kön", "You are number {n} in the queue"),
    "queue_wait": ("Arvioitu odotus n. {min} min", "Beräknad väntetid ca {min} min", "Estimated wait about {min} min"),
    "queue_wait_soon": ("Vuorosi on pian", "Det är snart din tur", "It is your turn soon"),
    "queue_no_official": (
        "Palvelua tarjoavia virkailijoita ei ole juuri nyt paikalla",
        "Inga handläggare för ärendet är på plats just nu",
        "No official for this matter is present right now",
    ),
    "thanks": ("Kiitos!", "Tack!", "Thank you!"),
    "take_papers": (
        "Muista ottaa paperisi mukaan",
        "Kom ihåg att ta med dina papper",
        "Remember to take your papers",
    ),
    "offline": (
        "Palvelu ei ole juuri nyt käytettävissä",
        "Tjänsten är inte tillgänglig just nu",
        "The service is not available right now",
    ),
    "offline_hint": (
        "Yhteyttä muodostetaan… Pyydä tarvittaessa apua palveluneuvojalta.",
        "Ansluter… Be vid behov servicerådgivaren om hjälp.",
        "Connecting… Ask the service advisor for help if needed.",
    ),
    "assist_requested": (
        "Palveluneuvoja on kutsuttu",
        "Servicerådgivaren har kallats",
        "The service advisor has been called",
    ),
    "assist_acknowledged": (
        "Palveluneuvoja on tulossa",
        "Servicerådgivaren är på väg",
        "The service advisor is on the way",
    ),
    Notice.START_FAILED.value: (
        "Aloitus ei onnistunut. Yritä uudelleen.",
        "Det gick inte att börja. Försök igen.",
        "Could not start. Please try again.",
    ),
    Notice.OFFICIAL_STEPPED_AWAY.value: (
        "Virkailijan yhteys katkesi. Odota hetki.",
        "Handläggarens anslutning bröts. Vänta en stund.",
        "The official was disconnected. Please wait.",
    ),
    Notice.CONNECTING.value: ("Yhdistetään…", "Ansluter…", "Connecting…"),
    Notice.CALL_ENDED.value: ("Tapaaminen päättyi", "Mötet har avslutats", "The meeting has ended"),
    Notice.CONNECTION_FAILED.value: (
        "Yhteys ei toiminut. Pyydä apua palveluneuvojalta.",
        "Anslutningen fungerade inte. Be servicerådgivaren om hjälp.",
        "The connection failed. Please ask the service advisor for help.",
    ),
    Notice.CANCELLED.value: ("Peruttu", "Avbrutet", "Cancelled"),
    Notice.CHECKING.value: ("Tarkistetaan varausta…", "Bokningen kontrolleras…", "Checking your booking…"),
    Notice.CHECKIN_FAILED.value: (
        "Varausta ei voitu tarkistaa. Yritä uudelleen.",
        "Bokningen kunde inte kontrolleras. Försök igen.",
        "Could not check the booking. Please try again.",
    ),
}


def all_languages(key: str, sep: str = "\n") -> str:
    """The text in every language, Finnish first."""
    return sep.join(TEXTS[key]) if key else ""


def in_language(key: str, language: str) -> str:
    """The text in one language (Finnish for a language the booth does not speak)."""
    index = LANGUAGES.index(language) if language in LANGUAGES else 0
    return TEXTS[key][index]


def queue_text(position: int, wait_min: int | None, sep: str = "  ·  ") -> str:
    """The lobby's queue line: the place and an honest estimate, one line per language.

    ``wait_min`` None means nobody who serves this matter is present: the
    booth says so rather than guess a time.
    """
    places = [t.format(n=position) for t in TEXTS["queue_position"]]
    if wait_min is None:
        waits = list(TEXTS["queue_no_official"])
    elif wait_min == 0:
        waits = list(TEXTS["queue_wait_soon"])
    else:
        waits = [t.format(min=wait_min) for t in TEXTS["queue_wait"]]
    return "\n".join(f"{place}{sep}{wait}" for place, wait in zip(places, waits, strict=True))

"""The booth's texts in Finnish, Swedish and English.

A booth serves everyone who walks in, so the first screens show all three
languages at once; the citizen never has to find a language switch.
"""

from __future__ import annotations

from kiosk.session import Notice

LANGUAGES = ("fi", "sv", "en")

TEXTS: dict[str, tuple[str, str, str]] = {
    "welcome": ("Tervetuloa", "Välkommen", "Welcome"),
    "start": ("Aloita", "Börja", "Start"),
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
}


def all_languages(key: str, sep: str = "\n") -> str:
    """The text in every language, Finnish first."""
    return sep.join(TEXTS[key]) if key else ""

"""Words that mean "stop sending me messages" on platforms where people type them
instead of a command (WhatsApp, where businesses are expected to honour them). A
message that is only one of these words, in any shipped language and any case, acts
like /stop."""

from __future__ import annotations

import unicodedata

OPT_OUT_WORDS: dict[str, tuple[str, ...]] = {
    "en": ("stop", "unsubscribe"),
    "pt_BR": ("parar", "pare", "sair"),
    "es": ("baja", "parar", "alto"),
    "id": ("berhenti", "stop"),
    "tr": ("dur", "durdur"),
    "de": ("stopp", "abmelden"),
    "ru": ("стоп", "отписаться"),
    "ar": ("توقف", "إيقاف", "الغاء الاشتراك"),
    "th": ("หยุด", "เลิกรับ"),
    "zh_Hans": ("停止", "退订"),
    "vi": ("dừng", "ngừng", "hủy đăng ký"),
    "ms": ("berhenti", "henti"),
    "kk": ("тоқтат", "тоқтату", "жазылымнан шығу"),
    "uz": ("to‘xtat", "to'xtat", "toʻxtat", "obunani bekor qilish"),
    "he": ("הסר", "הפסק", "עצור"),
    "fr": ("stop", "arrêt", "désabonner"),
    "it": ("stop", "basta", "cancellami"),
    "pl": ("stop", "wypisz", "rezygnuję"),
}

_ALL = frozenset(word for words in OPT_OUT_WORDS.values() for word in words)


def _normal(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text).casefold().strip()
    return folded.strip(" .!。！")


def is_opt_out(text: str) -> bool:
    """The whole message is an opt-out word ("STOP", "Parar", "หยุด", "停止" ...)."""
    return _normal(text) in _ALL

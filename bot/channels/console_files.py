"""Where the console puts attachments (`--files DIR`): each one a file a person can
open (a voucher's QR, a visit's `.ics`, the `/mydata` JSON, a trade-in's photos)."""

from __future__ import annotations

from pathlib import Path

from handlers.types import Attachment


class AttachmentFolder:
    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def save(self, attachment: Attachment) -> Path:
        """Write the attachment under its own name; a different file already there
        keeps its name and this one is numbered (voucher-2.png), the same file is
        not written twice."""
        self.directory.mkdir(parents=True, exist_ok=True)
        name = safe_filename(attachment.filename)
        stem, dot, suffix = name.partition(".")
        number = 1
        path = self.directory / name
        while path.exists():
            if path.read_bytes() == attachment.data:
                return path
            number += 1
            path = self.directory / f"{stem}-{number}{dot}{suffix}"
        path.write_bytes(attachment.data)
        return path

    def copy_photo(self, file_id: str) -> Path | None:
        """A console photo's id may be a picture's path (`@photo ~/car.jpg`): copy that
        picture here. Other ids (a platform's file ids) name nothing to copy: None."""
        source = Path(file_id).expanduser()
        if not source.is_file():
            return None
        return self.save(Attachment(source.name, source.read_bytes(), kind="photo"))


def safe_filename(filename: str) -> str:
    """The name without folders, or one that can't leave the folder or hide in it."""
    name = filename.replace("\\", "/").rsplit("/", 1)[-1].strip().lstrip(".")
    return name or "attachment"

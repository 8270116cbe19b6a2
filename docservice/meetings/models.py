"""What a secretary sends to record a meeting (CONTRACT.md ``POST /api/v1/meetings``)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from docservice.meetings.arithmetic import Attendance
from docservice.validation import CONTROL, unsafe_text

Text = Field(min_length=1, max_length=20000)


class AttendanceIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    member_id: int = Field(ge=1, le=2**31 - 1)
    status: Attendance
    reason: str | None = Field(None, max_length=500)


class SpeakerIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    member_id: int | None = Field(None, ge=1, le=2**31 - 1)
    name: str | None = Field(None, min_length=1, max_length=128, description="Khách mời (không phải đảng viên)")
    summary: str = Field(min_length=1, max_length=5000)

    @model_validator(mode="after")
    def _who(self) -> SpeakerIn:
        if (self.member_id is None) == (self.name is None):
            raise ValueError("cần đúng một trong member_id hoặc name")
        return self


class ContentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    heading: str = Field(min_length=1, max_length=300)
    text: str = Field("", max_length=20000)
    speakers: list[SpeakerIn] = Field(default_factory=list, max_length=100)


class VotesIn(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    votes_for: int = Field(alias="for", ge=0, le=100000)
    against: int = Field(0, ge=0, le=100000)
    abstain: int = Field(0, ge=0, le=100000)


class OtherVoteIn(VotesIn):
    subject: str = Field(min_length=1, max_length=300)


class MeetingIn(BaseModel):
    """A meeting as recorded; the figures are computed, never sent."""

    model_config = ConfigDict(extra="forbid")
    organization_id: int = Field(ge=1, le=2**31 - 1)
    kind: Literal["thuong_ky", "chuyen_de", "bat_thuong"]
    date: dt.date
    start_time: dt.time
    end_time: dt.time
    location: str = Field(min_length=1, max_length=255)
    chair_id: int = Field(ge=1, le=2**31 - 1)
    minute_taker_id: int = Field(ge=1, le=2**31 - 1)
    signer_id: int | None = Field(None, ge=1, le=2**31 - 1)
    attendance: list[AttendanceIn] = Field(min_length=1, max_length=2000)
    guests: list[str] = Field(default_factory=list, max_length=50)
    topic: str | None = Field(None, max_length=300)
    contents: list[ContentIn] = Field(default_factory=list, max_length=50)
    conclusion: str = Field(min_length=1, max_length=20000)
    votes: VotesIn | None = None
    other_votes: list[OtherVoteIn] = Field(default_factory=list, max_length=50)
    confidentiality: Literal["thuong", "mat", "toi_mat", "tuyet_mat"] = "thuong"
    minutes_read_back: bool = Field(False, description="Biên bản đã được đọc lại và thông qua tại cuộc họp")

    @model_validator(mode="before")
    @classmethod
    def _printable(cls, data: Any) -> Any:
        """What goes into the minutes is printed: no control characters but line breaks and tabs."""
        where = unsafe_text(data, pattern=CONTROL)
        if where is not None:
            raise ValueError(f"{where}: có ký tự điều khiển không in được")
        return data

    @field_validator("start_time", "end_time", mode="before")
    @classmethod
    def _clock_time(cls, value: object) -> object:
        """A time of day as people write it ("08:00"), local to the meeting: no zone, no number of seconds."""
        if not isinstance(value, str | dt.time):
            raise ValueError("giờ phải viết dạng HH:MM, ví dụ 08:00")
        if isinstance(value, str) and not re.fullmatch(r"\d{1,2}:\d{2}(:\d{2})?", value.strip()):
            raise ValueError("giờ phải viết dạng HH:MM, ví dụ 08:00 (không kèm múi giờ)")
        if isinstance(value, dt.time) and value.tzinfo is not None:
            raise ValueError("giờ không kèm múi giờ")
        return value

    @model_validator(mode="after")
    def _times(self) -> MeetingIn:
        if self.end_time <= self.start_time:
            raise ValueError("giờ kết thúc phải sau giờ bắt đầu")
        return self

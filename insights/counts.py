import dataclasses


@dataclasses.dataclass(frozen=True)
class AnswerCounts:
    """How many customers were asked for their consent, and how they answered; each count also as a percentage
    of those asked (None when nobody was)."""

    asked: int
    consented: int
    declined: int

    @property
    def unanswered(self) -> int:
        return self.asked - self.consented - self.declined

    def percent(self, count: int) -> float | None:
        return None if self.asked == 0 else round(100 * count / self.asked, 1)

    @property
    def consented_percent(self):
        return self.percent(self.consented)

    @property
    def declined_percent(self):
        return self.percent(self.declined)

    @property
    def unanswered_percent(self):
        return self.percent(self.unanswered)

    @property
    def answered_percent(self):
        return self.percent(self.consented + self.declined)

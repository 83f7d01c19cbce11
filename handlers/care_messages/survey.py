"""The post-visit survey's question, the day of the visit and once more two days later
(the answers are `handlers.survey`)."""

from __future__ import annotations

from bot.domain.care import Rule
from bot.services.queries import care as care_queries
from handlers.care_messages.env import CareEnv
from handlers.codes import button
from handlers.codes.survey import SurveyScore
from handlers.types import Button, Screen


def survey_buttons(visit_id: int) -> list[list[Button]]:
    return [
        [button(str(score), SurveyScore(visit_id, score)) for score in range(0, 6)],
        [button(str(score), SurveyScore(visit_id, score)) for score in range(6, 11)],
    ]


async def survey(env: CareEnv) -> list[Screen] | None:
    visit_id = env.payload_id("visit_id")
    visit = (
        await care_queries.unanswered_visit(env.uow, env.owner.id or 0, visit_id)
        if visit_id is not None
        else None
    )
    if visit is None or visit.id is None:
        return None
    dealer = env.reference.dealers.get(visit.dealer_code)
    t = env.t
    if env.message.rule == Rule.SURVEY_NUDGE:
        text = t._(
            "Two days ago you visited {center}. Would you tell us how it went? One tap is "
            "enough: how likely are you to recommend us to a friend (0 to 10)?",
            center=dealer.name if dealer else visit.dealer_code,
        )
    else:
        text = t._(
            "Thank you for visiting {center} today! How likely are you to recommend us to a "
            "friend or colleague? 0 means not at all, 10 means extremely likely.",
            center=dealer.name if dealer else visit.dealer_code,
        )
    return [Screen(text=text, buttons=tuple(tuple(row) for row in survey_buttons(visit.id)))]

from decimal import Decimal

import pytest

from ledger import services
from ledger.services import ClueData, EntityData, RecordData
from review import services as review_services
from review.services import DisposalPlan, Scores
from screening.locks import today_local
from tests.factories import member

D = Decimal


class LedgerBuilder:
    """Builds a small ledger through the services, the way users would."""

    def __init__(self, tree, campaign, term):
        self.tree, self.campaign, self.term = tree, campaign, term
        self.codes = 0

    def entity(self, name: str, **fields) -> EntityData:
        return EntityData(name=name, **fields)

    def clue(self, unit: str, user: str, entity: EntityData, sector: str, *, amount="0", people=0, unpaid="0",
             behaviours=(), problems=(), submit=True, **extra):
        data = ClueData(
            entity=entity, sector=self.term(sector), amount_involved=D(amount), people_involved=people,
            unpaid_funds=D(unpaid), behaviours=[self.term(b) for b in behaviours],
            problems=[self.term(p) for p in problems], **extra,
        )
        clue = services.clue_create(actor=self.tree.user(user), campaign=self.campaign, unit=self.tree.unit(unit),
                                    data=data)
        return services.clue_submit(actor=self.tree.user(user), clue=clue) if submit else clue

    def records(self, unit: str, user: str, sector: str, names: list[str], behaviours=()):
        rows = [RecordData(entity=self.entity(name), sector=self.term(sector),
                           behaviours=[self.term(b) for b in behaviours]) for name in names]
        return services.records_create(actor=self.tree.user(user), campaign=self.campaign, unit=self.tree.unit(unit),
                                       rows=rows)

    def dispose(self, clue, track, *, measures=(), reason="", filed=None, **extra):
        plan = DisposalPlan(
            responsible_unit=self.tree.unit("department"), track=track, measures=[self.term(m) for m in measures],
            not_handled_reason=reason, case_filed_on=filed, stage="under_way" if filed else "planned", **extra,
        )
        return review_services.disposal_save(actor=self.tree.user("office"), clue=clue, plan=plan)

    def make_key(self, clue):
        office = self.tree.user("office")
        review_services.clue_accept(actor=office, clue=clue)
        review_services.clue_rate(actor=office, clue=clue, scores=Scores(5, 3, 2, 2))
        review_services.clue_mark_key(actor=office, clue=clue, is_key=True)


@pytest.fixture
def ledger(tree, open_campaign, term):
    return LedgerBuilder(tree, open_campaign, term)


@pytest.fixture
def filed_this_year():
    return today_local()


@pytest.fixture
def staff2(tree):
    tree.users["staff2"] = member(tree.unit("sibling_township"), "staff", username="staff2")

"""The whitespace rules with plain values: cells, coverage, and the peers' estimate at its edges."""

from decimal import Decimal
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from app.rules.document import WhitespaceRules
from app.rules.whitespace import Peer, PeerFigures, cell_status, coverage, estimate, figures, peer_group

RULES = WhitespaceRules()
D = Decimal


def peers(buyers: int, others: int, spent: str = "100", size: str = "1000") -> PeerFigures:
    return figures([Peer(D(size), D(spent))] * buyers + [Peer(D(size), D(0))] * others)


def test_facts_win_over_the_kam_s_word_and_a_gap_is_what_is_left():
    assert cell_status(D("0.01"), 0, False) == "owned"
    assert cell_status(D(5), 2, True) == "owned"
    assert cell_status(D(0), 1, True) == "pipeline"
    assert cell_status(D(0), 0, True) == "not_eligible"
    assert cell_status(D(0), 0, False) == "gap"


def test_coverage_is_owned_cells_over_eligible_cells():
    assert coverage(["owned", "gap", "pipeline", "not_eligible"]) == Fraction(1, 3)
    assert coverage(["not_eligible"]) is None
    assert coverage([]) is None


def test_no_estimate_below_five_peers_and_one_at_five():
    assert estimate(D(1000), peers(4, 0), False, RULES) is None
    found = estimate(D(1000), peers(5, 0), False, RULES)
    assert found is not None and (found.peers, found.buyers, found.amount) == (5, 5, D("100.00"))


def test_adoption_of_forty_percent_shows_an_estimate_and_thirty_nine_does_not():
    assert estimate(D(1000), peers(40, 60), False, RULES) is not None
    assert estimate(D(1000), peers(39, 61), False, RULES) is None
    assert estimate(D(1000), peers(2, 3), False, RULES) is not None  # exactly 40 %


def test_the_median_is_scaled_by_the_account_s_size_against_the_buyers():
    group = [Peer(D(1000), D(100)), Peer(D(2000), D(300)), Peer(D(3000), D(200)), Peer(D(500), D(0)), Peer(D(9), D(0))]
    found = estimate(D(4000), figures(group), True, RULES)
    assert found is not None
    assert found.median_spent == D("200.00") and found.widened is True
    assert found.amount == D("400.00")  # 200 x 4000 / median buyer size 2000


def test_the_industry_s_peers_are_asked_first_and_the_tier_s_when_they_are_too_few():
    industry, tier = peers(5, 0), peers(9, 0)
    assert peer_group(industry, tier, RULES) == (industry, False)
    assert peer_group(peers(4, 0), tier, RULES) == (tier, True)
    assert peer_group(None, tier, RULES) == (tier, True)  # an account of no known industry


def test_an_account_of_unknown_size_gets_no_estimate():
    assert estimate(None, peers(10, 0), False, RULES) is None
    assert estimate(D(0), peers(10, 0), False, RULES) is None


sizes = st.decimals(min_value=1, max_value=10**9, places=2)
group = st.lists(
    st.builds(Peer, sizes, st.one_of(st.just(D(0)), st.decimals(min_value=1, max_value=10**7, places=2))),
    min_size=0,
    max_size=30,
)


@given(group, sizes, sizes)
def test_a_bigger_account_is_never_estimated_lower(peers_, small, big):
    small, big = min(small, big), max(small, big)
    low, high = estimate(small, figures(peers_), False, RULES), estimate(big, figures(peers_), False, RULES)
    assert (low is None) == (high is None)
    if low is not None and high is not None:
        assert low.amount <= high.amount


@given(group, sizes)
def test_no_estimate_without_enough_peers_or_buyers(peers_, size):
    found = estimate(size, figures(peers_), False, RULES)
    buyers = sum(peer.spent > 0 for peer in peers_)
    if len(peers_) < RULES.min_peers or buyers * 100 < RULES.min_adoption_percent * len(peers_):
        assert found is None


def test_the_account_asking_about_its_gap_is_not_its_own_peer():
    five = peers(2, 3)
    assert estimate(D(1000), five, False, RULES) is not None
    assert estimate(D(1000), five.without_a_non_buyer(), False, RULES) is None  # 4 peers


def test_even_buyers_take_the_mean_of_the_middle_two():
    group = figures([Peer(D(1000), D(100)), Peer(D(3000), D(301)), Peer(D(50), D(0))])
    assert (group.peers, group.buyers, group.median_spent, group.median_size) == (3, 2, D("200.5"), D(2000))
    assert figures([Peer(D(0), D(0))]) == PeerFigures(1, 0, None, None)

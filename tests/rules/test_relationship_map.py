from app.rules.relationship_map import Person, build_map


def person(id, reports_to=None, roles=(), attitude="neutral", influence="medium", strength="medium"):
    return Person(id, f"Person {id}", None, tuple(roles), attitude, influence, strength, reports_to)


def test_people_form_a_forest_by_whom_they_report_to():
    mapped = build_map([person("ceo"), person("cfo", "ceo"), person("buyer", "cfo"), person("orphan", "gone")])
    assert [root.person.id for root in mapped.roots] == ["ceo", "orphan"]
    assert [child.person.id for child in mapped.roots[0].reports] == ["cfo"]
    assert [child.person.id for child in mapped.roots[0].reports[0].reports] == ["buyer"]


def test_coverage_of_the_roles_that_decide_and_pay():
    mapped = build_map(
        [
            person("a", roles=["decision_maker"], attitude="skeptic"),
            person("b", roles=["decision_maker", "economic_buyer"], attitude="supporter"),
        ]
    )
    coverage = {c.role: c for c in mapped.coverage}
    assert (coverage["decision_maker"].covered, coverage["decision_maker"].supportive) == (True, True)
    assert coverage["decision_maker"].contact_ids == ("a", "b")
    assert (coverage["economic_buyer"].covered, coverage["economic_buyer"].supportive) == (True, True)
    assert (coverage["executive_sponsor"].covered, coverage["executive_sponsor"].supportive) == (False, False)


def test_champions_influential_opponents_and_barely_known_influencers():
    mapped = build_map(
        [
            person("fan", attitude="champion"),
            person("foe", attitude="opponent", influence="high"),
            person("weak_foe", attitude="opponent", influence="low"),
            person("stranger", influence="high", strength="none"),
            person("acquaintance", influence="high", strength="weak"),
            person("friend", influence="high", strength="strong"),
        ]
    )
    assert mapped.champions == ("fan",)
    assert mapped.influential_opponents == ("foe",)
    assert mapped.influential_barely_known == ("stranger", "acquaintance")

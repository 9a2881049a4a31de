"""The account operating report, as JSON and as Markdown."""

from datetime import UTC, datetime, timedelta

from tests.factories import KEY_SCORES, assert_problem, create_account, make_healthy


async def test_the_seven_sections(client, users):
    account = await create_account(
        client, name="Cyberdyne", scores=KEY_SCORES, executive_sponsor_id=str(users["manager"].id)
    )
    await make_healthy(client, account["id"], users["kam"].id)
    await client.post(
        f"/v1/accounts/{account['id']}/team", json={"user_id": str(users["kam"].id), "team_role": "sales"}
    )
    await client.put(f"/v1/accounts/{account['id']}/financials/2025", json={"revenue": "1000.00"})
    await client.put(f"/v1/accounts/{account['id']}/financials/2026", json={"revenue": "800.00"})
    await client.post(
        "/v1/opportunities",
        json={
            "account_id": account["id"],
            "name": "Lost one",
            "type": "upsell",
            "amount": "90.00",
            "stage": "closed_lost",
            "loss_reason": "price | terms",
            "competitors": ["Initech"],
        },
    )
    await client.post(
        "/v1/opportunities",
        json={
            "account_id": account["id"],
            "name": "Open one",
            "type": "renewal",
            "amount": "100.00",
            "stage": "proposal",
        },
    )
    left = (
        await client.post(
            "/v1/contacts",
            json={"account_id": account["id"], "first_name": "Old", "last_name": "Buyer", "title": "CPO"},
        )
    ).json()
    await client.patch(f"/v1/contacts/{left['id']}", json={"status": "left"})
    await client.post(
        "/v1/interactions",
        json={
            "account_id": account["id"],
            "type": "call",
            # After the meeting make_healthy records: its follow-up is still open.
            "occurred_at": (datetime.now(UTC) - timedelta(minutes=10)).isoformat(),
            "summary": "Budget talk",
            "next_steps": "Send pricing",
            "next_contact_at": (datetime.now(UTC) + timedelta(days=5)).isoformat(),
        },
    )

    report = (await client.get(f"/v1/accounts/{account['id']}/report")).json()
    assert list(report) == [
        "account",
        "period",
        "overall",
        "maintenance",
        "churn",
        "growth",
        "competitors",
        "team",
        "next_steps",
    ]
    assert report["overall"]["tier"] == "key"
    # A number, as on account reads (it was the string "77.0" before the sections were typed).
    assert isinstance(report["overall"]["score"], float)
    assert report["overall"]["revenue_trend"] == [
        {"period": "2025", "revenue": "1000.00", "service_revenue": None, "service_share": None},
        {"period": "2026", "revenue": "800.00", "service_revenue": None, "service_share": None},
    ]
    assert report["maintenance"]["interactions"] == 2
    assert report["maintenance"]["interactions_by_type"] == {"meeting": 1, "call": 1}
    assert report["churn"]["revenue_decline"]["figures"]["change_percent"] == -20.0
    assert [o["name"] for o in report["churn"]["lost_opportunities"]] == ["Lost one"]
    assert [c["name"] for c in report["churn"]["contacts_left"]] == ["Old Buyer"]
    assert report["growth"]["plan"]["name"] == "Healthy plan"
    assert report["growth"]["open_pipeline"] == {"count": 1, "amount": "100.00", "weighted_amount": "60.00"}
    assert report["competitors"]["in_opportunities"] == ["Initech"]
    assert (report["team"]["owner"], report["team"]["executive_sponsor"]["name"]) == (None, "Test Manager")
    assert report["team"]["members"] == [{"name": "Test Kam", "team_role": "sales"}]
    assert [f["next_steps"] for f in report["next_steps"]["follow_ups"]] == ["Send pricing"]

    markdown = await client.get(f"/v1/accounts/{account['id']}/report", headers={"Accept": "text/markdown"})
    assert markdown.headers["content-type"].startswith("text/markdown")
    text = markdown.text
    for heading in (
        "## 1. Overall situation",
        "## 2. Maintenance",
        "## 3. Churn or shrinkage",
        "## 4. Growth targets",
        "## 5. Competitors",
        "## 6. Team",
        "## 7. Next steps",
    ):
        assert heading in text
    assert "# Cyberdyne: operating report" in text
    assert "price \\| terms" in text  # a pipe inside a value does not break the Markdown


async def test_report_errors(client):
    account = await create_account(client)
    assert_problem(await client.get("/v1/accounts/00000000-0000-0000-0000-000000000000/report"), 404)
    assert_problem(
        await client.get(f"/v1/accounts/{account['id']}/report", params={"from": "2026-02-01", "to": "2026-01-01"}), 422
    )
    assert_problem(await client.get(f"/v1/accounts/{account['id']}/report", params={"from": "yesterday"}), 422)


async def test_the_markdown_draws_the_decision_chain_and_the_revenue_trend(client):
    account = await create_account(client, name="Initech")

    async def contact(first, last, **fields):
        body = {"account_id": account["id"], "first_name": first, "last_name": last, **fields}
        response = await client.post("/v1/contacts", json=body)
        assert response.status_code == 201, response.text
        return response.json()

    chief = await contact("Ada", "Alpha", title="CEO", buying_roles=["decision_maker"], attitude="champion")
    await contact(
        "Bo",
        "Beta",
        title='CFO, "the wall"',
        buying_roles=["economic_buyer"],
        attitude="opponent",
        influence="high",
        reports_to_id=chief["id"],
    )
    await contact("Cy", "Gamma", reports_to_id=chief["id"])
    for year, revenue in (("2024", "1000.00"), ("2025", "1250.50")):
        await client.put(f"/v1/accounts/{account['id']}/financials/{year}", json={"revenue": revenue})

    markdown = (await client.get(f"/v1/accounts/{account['id']}/report", headers={"Accept": "text/markdown"})).text
    chain = markdown[markdown.index("```mermaid\nflowchart TD") :]
    chain = chain[: chain.index("```\n", 4) + 3]
    assert chain.splitlines() == [
        "```mermaid",
        "flowchart TD",
        '    p0["CHAMPION: Ada Alpha<br/>CEO<br/>Decision maker<br/>Champion, medium influence"]',
        '    p1["OPPONENT: Bo Beta<br/>CFO, #quot;the wall#quot;<br/>Economic buyer<br/>Opponent, high influence"]',
        '    p2["Cy Gamma<br/>No buying role<br/>Neutral, medium influence"]',
        "    p0 --> p1",
        "    p0 --> p2",
        "    classDef champion fill:#d9f2d9,stroke:#2e7d32,stroke-width:2px",
        "    class p0 champion",
        "    classDef opponent fill:#f9d6d5,stroke:#c62828,stroke-width:2px",
        "    class p1 opponent",
        "```",
    ]
    assert (
        "\n".join(
            [
                "```mermaid",
                "xychart-beta",
                '    title "Revenue per period"',
                '    x-axis ["2024", "2025"]',
                '    y-axis "Revenue (USD)" 0 --> 2000',
                "    bar [1000.0, 1250.5]",
                "```",
            ]
        )
        in markdown
    )
    report = (await client.get(f"/v1/accounts/{account['id']}/report")).json()
    assert [(p["name"], p["reports_to_id"]) for p in report["overall"]["decision_chain"]][:2] == [
        ("Ada Alpha", None),
        ("Bo Beta", chief["id"]),
    ]

"""A realistic demo portfolio behind ``kam seed-demo``: a pyramid of accounts (a few large, many
small), decision chains, a few years of interactions and financials, pipelines, plans and
measurements, written with PostgreSQL COPY so a hundred thousand accounts load in about a minute.

``vocabulary`` holds the names it draws from, ``portfolio`` the accounts, ``records`` what hangs under
each account, ``tables`` the rows and their COPY, ``seed`` the command's entry point.
"""

"""Webhooks: events pushed to subscribed endpoints, signed per the Standard Webhooks specification."""

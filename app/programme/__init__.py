"""The programme in numbers: targets against actuals, what each tier returns, whether the selection
criteria choose well, and commission by tier."""

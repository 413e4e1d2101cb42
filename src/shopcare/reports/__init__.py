"""The shop's numbers (`shopcare report`): figures over a period from the store's rows, the
recurring questions in customers' messages, and the report as one self-contained HTML page.
Core code: no typer, no rich, no SQL."""

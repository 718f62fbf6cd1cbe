"""The unit layer: the pure rules with no site behind them, even when run in the same process as the
integration layer (whose imports point ``sales_crm.rules.pricing`` at the site's rounding method)."""

import pytest

from sales_crm.rules import pricing


@pytest.fixture(autouse=True)
def no_site_rounding():
	source = pricing._site_rounding_method
	pricing.follow_rounding_method(None)
	yield
	pricing.follow_rounding_method(source)

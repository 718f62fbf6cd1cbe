"""Bench commands of the app (Frappe collects ``sales_crm.commands.commands``).

bench --site SITE sales-crm-demo --leads 100000 [--seed 42] [--anchor-date 2026-11-30]
"""

import click
from frappe.commands import get_site, pass_context


@click.command("sales-crm-demo")
@click.option("--leads", default=1000, show_default=True, type=click.IntRange(1), help="How many leads")
@click.option("--seed", default=42, show_default=True, type=int, help="Random seed (same seed, same data)")
@click.option("--anchor-date", default=None, help="The dataset's 'today' (default: today)")
@pass_context
def sales_crm_demo(context, leads: int, seed: int, anchor_date: str | None = None):
	"""Load a realistic, fully linked Sales CRM demo dataset into the site."""
	import frappe

	from sales_crm.demo import make_demo, proportions

	site = get_site(context)
	frappe.init(site=site)
	frappe.connect()
	try:
		frappe.set_user("Administrator")
		with click.progressbar(length=leads, label=f"Generating {leads} leads") as bar:
			counts = make_demo(leads, seed, anchor_date, progress=bar.update)
		# a bench command has no request to commit it
		frappe.db.commit()  # nosemgrep
		per_thousand = proportions(counts, leads)
		click.echo(f"{'':26} {'written':>10} {'per 1,000 leads':>16}")
		for key, count in counts.items():
			click.echo(f"{key:26} {count:>10} {per_thousand[key]:>16}")
		for key in ("Orders per customer", "Orders per buying customer"):
			click.echo(f"{key:26} {'':>10} {per_thousand[key]:>16}")
	finally:
		frappe.destroy()


commands = [sales_crm_demo]

// The filters the Sales CRM reports share (date range, customer, department and salesperson, lead source,
// opportunity kind), defined once.
// Each report's .js includes this file with a Jinja include directive written in a line comment; Frappe
// renders it when it serves the report's script (frappe.desk.query_report.get_script), so no build step
// is needed. The directive sits in a comment so that the unrendered file is valid JavaScript, and this
// file starts with a comment line so that the rendered one is too. (No directive in this text: Frappe
// would expand it again.)
frappe.provide("sales_crm");

sales_crm.report_filters = {
	date_range(from_label, to_label) {
		return [
			{
				fieldname: "from_date",
				label: from_label || __("From Date"),
				fieldtype: "Date",
				default: frappe.datetime.year_start(),
				reqd: 1,
			},
			{
				fieldname: "to_date",
				label: to_label || __("To Date"),
				fieldtype: "Date",
				default: frappe.datetime.year_end(),
				reqd: 1,
			},
		];
	},
	customer() {
		return [
			{
				fieldname: "customer",
				label: __("Customer"),
				fieldtype: "Link",
				options: "Sales Customer",
			},
		];
	},
	team() {
		return [
			{
				fieldname: "sales_department",
				label: __("Sales Department"),
				fieldtype: "Link",
				options: "Sales Department",
			},
			{
				fieldname: "sales_person",
				label: __("Sales Person"),
				fieldtype: "Link",
				options: "User",
			},
		];
	},
	lead_source() {
		return [
			{
				fieldname: "lead_source",
				label: __("Lead Source"),
				fieldtype: "Select",
				options: [
					"",
					"Marketing Campaign",
					"Employee Referral",
					"800 Hotline",
					"Advertising Response",
					"Customer Referral",
				],
			},
		];
	},
	opportunity_kind() {
		return [
			{
				fieldname: "opportunity_kind",
				label: __("Opportunity Kind"),
				fieldtype: "Select",
				options: ["", "Purchase Need", "Product Sale", "Partnership", "Service"],
			},
		];
	},
};

// A report column that links to User carries the names of the users in its rows (reporting.name_people):
// they become Frappe's link titles, so the cell reads "Li Lei" while it links to, sorts and exports by the
// e-mail. `own` is the report's own formatter, if any.
sales_crm.report_people = (own) =>
	function (value, row, column, data, default_formatter) {
		const titles = column && column.link_titles;
		if (titles && value && titles[value]) {
			frappe.utils.add_link_title(column.options, value, titles[value]);
		}
		return own
			? own(value, row, column, data, default_formatter)
			: default_formatter(value, row, column, data);
	};

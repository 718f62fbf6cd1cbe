// The arithmetic of sales_crm/rules/pricing.py in the browser, so that a form shows the totals the server
// will store while the user types. Same rules, same rounding (the currency's precision, the site's Rounding
// Method, half-up by default), computed on exact decimals as Python's Decimal does: never on binary floats.
// tests/unit/test_pricing_js.py runs this file under node against price_document on a table of cases.
// Forms include it with a Jinja include directive in a line comment (rendered when Frappe serves the script).
(function (root) {
	// A decimal is [digits as a BigInt, scale]: digits × 10^-scale.
	function parse(value) {
		if (value === null || value === undefined || value === "") return [0n, 0];
		const text = String(value).trim().toLowerCase();
		const match = /^([+-]?)(\d*)(?:\.(\d*))?(?:e([+-]?\d+))?$/.exec(text);
		if (!match || (match[2] === "" && (match[3] || "") === "")) throw new Error("not a number: " + value);
		const fraction = match[3] || "";
		let digits = BigInt((match[2] || "0") + fraction);
		let scale = fraction.length - parseInt(match[4] || "0", 10);
		if (scale < 0) {
			digits *= 10n ** BigInt(-scale);
			scale = 0;
		}
		return [match[1] === "-" ? -digits : digits, scale];
	}

	function align(a, b) {
		const scale = Math.max(a[1], b[1]);
		return [a[0] * 10n ** BigInt(scale - a[1]), b[0] * 10n ** BigInt(scale - b[1]), scale];
	}

	const add = (a, b) => {
		const [x, y, scale] = align(a, b);
		return [x + y, scale];
	};
	const sub = (a, b) => add(a, [-b[0], b[1]]);
	const mul = (a, b) => [a[0] * b[0], a[1] + b[1]];
	const percent = (a) => [a[0], a[1] + 2];
	const sign = (a) => (a[0] > 0n ? 1 : a[0] < 0n ? -1 : 0);

	// System Settings' Rounding Method, as pricing.ROUNDING_MODES and decimal_rounding read it.
	const LEGACY = "Banker's Rounding (legacy)";
	function mode_of(method, precision, value) {
		method = method || "Commercial Rounding";
		if (method === "Commercial Rounding") return "half_up";
		if (method === "Banker's Rounding") return "half_even";
		if (method === LEGACY) {
			// with decimals the legacy method sends ties towards +∞
			if (precision > 0) return sign(value) >= 0 ? "half_up" : "half_down";
			return "half_even";
		}
		throw new Error("unknown rounding method: " + method);
	}

	function round(value, precision, method) {
		const [digits, scale] = value;
		if (scale <= precision) return [digits * 10n ** BigInt(precision - scale), precision];
		const unit = 10n ** BigInt(scale - precision);
		const magnitude = digits < 0n ? -digits : digits;
		let quotient = magnitude / unit;
		const twice = (magnitude % unit) * 2n;
		const mode = mode_of(method, precision, value);
		const tie_up = mode === "half_up" || (mode === "half_even" && quotient % 2n === 1n);
		if (twice > unit || (twice === unit && tie_up)) {
			quotient += 1n;
		}
		return [digits < 0n ? -quotient : quotient, precision];
	}

	function to_number(value) {
		const [digits, scale] = value;
		const negative = digits < 0n;
		let text = (negative ? -digits : digits).toString().padStart(scale + 1, "0");
		if (scale > 0) text = text.slice(0, text.length - scale) + "." + text.slice(text.length - scale);
		return parseFloat((negative ? "-" : "") + text);
	}

	function item_rate(price_list_rate, discount_percentage, rate, precision, method) {
		const list_price = parse(price_list_rate);
		if (sign(list_price) > 0) {
			const share = sub([1n, 0], percent(parse(discount_percentage)));
			return round(mul(list_price, share), precision, method);
		}
		return round(parse(rate), precision, method);
	}

	// One row: {qty, price_list_rate, discount_percentage, rate} → {rate, amount, base_rate, base_amount}.
	function item_values(row, exchange_rate, precision, method) {
		const fx = parse(exchange_rate === undefined ? 1 : exchange_rate);
		const rate = item_rate(row.price_list_rate, row.discount_percentage, row.rate, precision, method);
		const amount = round(mul(parse(row.qty), rate), precision, method);
		return {
			rate: to_number(rate),
			amount: to_number(amount),
			base_rate: to_number(round(mul(rate, fx), precision, method)),
			base_amount: to_number(round(mul(amount, fx), precision, method)),
		};
	}

	// The document: priced rows and totals, as price_document computes them for valid numbers.
	function price_document(rows, tax_rate, exchange_rate, precision, method) {
		precision = precision === undefined || precision === null ? 2 : precision;
		const fx = parse(exchange_rate === undefined ? 1 : exchange_rate);
		const items = rows.map((row) => item_values(row, exchange_rate, precision, method));
		let total_qty = [0n, 0];
		let net_total = [0n, 0];
		rows.forEach((row, i) => {
			total_qty = add(total_qty, parse(row.qty));
			net_total = add(net_total, parse(items[i].amount));
		});
		const net = round(net_total, precision, method);
		const tax = round(mul(net, percent(parse(tax_rate))), precision, method);
		const grand = add(net, tax);
		return {
			items,
			totals: {
				total_qty: to_number(total_qty),
				net_total: to_number(net),
				tax_amount: to_number(tax),
				grand_total: to_number(grand),
				base_net_total: to_number(round(mul(net, fx), precision, method)),
				base_tax_amount: to_number(round(mul(tax, fx), precision, method)),
				base_grand_total: to_number(round(mul(grand, fx), precision, method)),
			},
		};
	}

	// A sum of amounts already at the precision (a receipt's allocations), rounded the same way.
	function sum(values, precision, method) {
		let total = [0n, 0];
		values.forEach((value) => (total = add(total, parse(value))));
		return to_number(round(total, precision === undefined ? 2 : precision, method));
	}

	function multiply(a, b, precision, method) {
		return to_number(round(mul(parse(a), parse(b)), precision === undefined ? 2 : precision, method));
	}

	const round_to = (value, precision, method) => to_number(round(parse(value), precision, method));
	const pricing = { price_document, item_values, sum, multiply, round_to };

	if (typeof module !== "undefined" && module.exports) {
		module.exports = pricing;
	} else {
		root.sales_crm = root.sales_crm || {};
		root.sales_crm.pricing = pricing;
	}
})(typeof window !== "undefined" ? window : this);

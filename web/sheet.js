/* sheet.js: the driver's route sheet: the stops of one route in order, to print (A4) or to carry on a phone. */
'use strict';

(function () {
	var parts = location.pathname.split('/');
	/* .../offices/{id}/routes/{vehicle}/sheet */
	var vehicle = decodeURIComponent(parts[parts.length - 2]);
	var id = decodeURIComponent(parts[parts.length - 4]);
	var path = 'v1/offices/' + encodeURIComponent(id) + '/plan';
	var tag = null;

	function dd(dl, label, value) {
		dl.appendChild(PR.el('dt', '', label));
		dl.appendChild(PR.el('dd', '', value === undefined || value === null || value === '' ? '–' : value));
	}

	function render(plan) {
		var day = plan.day_start ? plan.day_start.slice(0, 10) : null;
		var r = plan.routes.filter(function (x) { return x.vehicle === vehicle; })[0];
		var head = document.getElementById('head');
		var tb = document.querySelector('#stops tbody');
		head.replaceChildren();
		tb.replaceChildren();
		document.title = PR.t('sheet_title') + ' ' + vehicle + ' — ' + plan.office_name;
		dd(head, PR.t('office'), plan.office_name + ' (' + plan.office + ')');
		dd(head, PR.t('vehicle'), vehicle);
		if (!r) {
			PR.status(PR.t('route_gone'), true);
			return;
		}
		PR.status('');
		dd(head, PR.t('col_departure'), PR.time(r.start, '-'));
		dd(head, PR.t('col_return'), PR.time(r.end, '-'));
		/* The line-haul the route must meet: plans will carry it
		 * (docs/web.md); no row until then. */
		if (r.linehaul)
			dd(head, PR.t('linehaul'), PR.time(r.linehaul.depart, day) +
			    (r.linehaul.cutoff ? ' (' + PR.t('cutoff') + ' ' + PR.time(r.linehaul.cutoff, day) + ')' : ''));
		dd(head, PR.t('col_stops'), r.stops.length);
		dd(head, PR.t('load_distance'), PR.num(r.load_kg, 1) + ' kg · ' + PR.km(r.distance_m) + ' km');
		dd(head, PR.t('plan_version_label'), plan.version + (r.dispatched ? ' · ' + PR.t('dispatched') : ''));
		r.stops.forEach(function (s, k) {
			var c = s.contact || {}, tr = PR.el('tr', s.perishable ? 'perishable' : '');
			tr.setAttribute('data-order', s.order_id);
			[[k + 1, 'col_n'], [s.order_id, 'col_order'],
			    [c.address || s.commune_name || '', 'col_village'],
			    [c.name || '', 'col_household'], [null, 'col_phone'],
			    [PR.num(s.weight_kg, 1) + ' kg', 'col_weight'],
			    [s.perishable ? PR.t('perishable_mark') : '', 'col_perishable'],
			    [PR.time(s.latest, day), 'col_latest'],
			    [PR.time(s.arrival, day), 'col_arrival']].forEach(function (v) {
				var td = PR.el('td', v[1], v[0]);
				td.setAttribute('data-label', PR.t(v[1]));
				if (v[1] === 'col_phone' && c.phone) {
					var a = PR.el('a', '', c.phone);
					a.href = 'tel:' + c.phone.replace(/[^0-9+]/g, '');
					td.appendChild(a);
				}
				tr.appendChild(td);
			});
			tb.appendChild(tr);
		});
	}

	function refresh() {
		return PR.get(path, tag).then(function (r) {
			if (r.status === 304)
				return;
			if (r.status !== 200) {
				PR.status(r.data && r.data.error || String(r.status), true);
				return;
			}
			tag = r.etag;
			render(r.data);
		});
	}

	PR.load(function () {
		document.getElementById('back').href = PR.url('offices/' + encodeURIComponent(id));
		document.getElementById('print').addEventListener('click', function () { window.print(); });
		PR.poll(refresh, 5000);
	});
})();

import Ajv, { ErrorObject, ValidateFunction } from 'ajv';

import { JsonSchema } from './schemas';

// The contract's validators: one compiled ajv validator per schema, shared by the endpoints, the pull
// feed and (later) SCIM.

let ajv: Ajv | undefined;
const compiled = new WeakMap<object, ValidateFunction>();

/** Compiles a schema once per runtime (lazily: module-level npm objects break the packager's check). */
export function validatorFor(schema: JsonSchema): ValidateFunction {
	let v = compiled.get(schema);
	if (!v) {
		ajv ??= new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
		v = ajv.compile(schema);
		compiled.set(schema, v);
	}
	return v;
}

/** What a payload got wrong, field by field (at most 20), in the shape of the contract's `invalid-request` details. */
export function describeErrors(errs: ErrorObject[] | null | undefined): Array<{ field: string; message: string }> {
	const out: Array<{ field: string; message: string }> = [];
	const seen = new Set<string>();
	for (const e of errs ?? []) {
		let field = e.instancePath.replace(/^\//, '').replace(/\//g, '.');
		const params = e.params as Record<string, unknown>;
		if (e.keyword === 'required' && typeof params.missingProperty === 'string')
			field = field ? `${field}.${params.missingProperty}` : params.missingProperty;
		if (e.keyword === 'additionalProperties' && typeof params.additionalProperty === 'string') {
			field = field ? `${field}.${params.additionalProperty}` : params.additionalProperty;
		}
		const message = e.keyword === 'additionalProperties' ? 'is not allowed' : (e.message ?? 'is invalid');
		const key = `${field}|${message}`;
		if (seen.has(key)) continue;
		seen.add(key);
		out.push({ field: field || '(body)', message });
		if (out.length >= 20) break;
	}
	return out;
}

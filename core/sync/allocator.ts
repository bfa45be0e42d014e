/**
 * The account allocator the planner takes (`PlanSettings.allocateAccount`), built on the same naming
 * rules as single sign-on (core/identity): `first.last`, `first.last2`, ... and `local+rc1@domain`, ...
 * Its answers are predictions: the account is created by the accounts module, which resolves a name
 * held by an account the app does not know about the same way, so the created name may differ.
 */
import { EmailAllocator, HeldEmail } from '../identity/email';
import { usernameBase, UsernameAllocator } from '../identity/username';
import { AccountAllocator } from './types';

export function accountAllocator(existing: { usernames: Iterable<string>; emails: Iterable<HeldEmail> }): AccountAllocator {
	const names = new UsernameAllocator(existing.usernames);
	const emails = new EmailAllocator(existing.emails);
	return (person) => {
		const email = emails.allocate(person.email);
		if (!email.ok) return { error: `the e-mail address cannot be used (${email.error})` };
		return { username: names.allocate(usernameBase(person.firstName, person.lastName)), email: email.email };
	};
}

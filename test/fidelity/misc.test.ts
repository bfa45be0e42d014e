/**
 * /api/info, login and /me as Rocket.Chat 7.10 answers them
 * (apps/meteor/tests/end-to-end/api/miscellaneous.ts, the cases for the endpoints the sandbox serves).
 */
import { expect } from 'chai';

import { Fidelity, fidelity } from './server';

/** The user preferences /me reports, every key Rocket.Chat's CE test expects. */
const PREFERENCE_KEYS = [
	'alsoSendThreadToChannel',
	'newRoomNotification',
	'newMessageNotification',
	'showThreadsInMainChannel',
	'useEmojis',
	'convertAsciiEmoji',
	'saveMobileBandwidth',
	'collapseMediaByDefault',
	'autoImageLoad',
	'emailNotificationMode',
	'unreadAlert',
	'notificationsSoundVolume',
	'omnichannelTranscriptEmail',
	'desktopNotifications',
	'pushNotifications',
	'enableAutoAway',
	'desktopNotificationRequireInteraction',
	'hideUsernames',
	'hideRoles',
	'displayAvatars',
	'hideFlexTab',
	'sendOnEnter',
	'idleTimeLimit',
	'sidebarShowFavorites',
	'sidebarShowUnread',
	'themeAppearence',
	'sidebarSortby',
	'sidebarViewMode',
	'sidebarDisplayAvatar',
	'sidebarGroupByType',
	'sidebarSectionsOrder',
	'muteFocusedConversations',
	'notifyCalendarEvents',
	'enableMobileRinging',
	'featuresPreview',
];

describe('miscellaneous', function () {
	this.timeout(30_000);
	let fx: Fidelity;
	let adminEmail: string;

	before(async () => {
		fx = await fidelity();
		const me = await fx.get('me');
		adminEmail = (me.body.emails as Array<{ address: string }>)[0].address;
	});

	const expectLoggedIn = (res: { status: number; body: Record<string, unknown> }) => {
		expect(res.status).to.equal(200);
		expect(res.body).to.include({ status: 'success' });
		expect(res.body.data).to.include.keys('userId', 'authToken', 'me');
	};

	describe('API default', () => {
		describe('/info', () => {
			let version: string;

			it('should return "version", "build", "commit" and "marketplaceApiVersion" when the user is logged in', async () => {
				const res = await fx.api.request('GET', '/api/info', { as: fx.admin });
				expect(res.status).to.equal(200);
				expect(res.body.version).to.be.a('string');
				const info = res.body.info as Record<string, unknown>;
				expect(info.version).to.be.a('string');
				expect(info.build).to.be.an('object');
				expect(info.commit).to.be.an('object');
				expect(info.marketplaceApiVersion).to.be.a('string');
				version = info.version as string;
			});

			it('should return only "version" and the version should not have patch info when the user is not logged in', async () => {
				const res = await fx.api.request('GET', '/api/info');
				expect(res.status).to.equal(200);
				expect(res.body).to.not.have.property('info');
				expect(res.body.version).to.equal(version.replace(/(\d+\.\d+).*/, '$1'));
			});
		});
	});

	it('/login', async () => {
		const creds = await fx.login(fx.admin.username, fx.admin.password);
		expect(creds['X-Auth-Token']).to.have.length.of.at.least(1);
		expect(creds['X-User-Id']).to.have.length.of.at.least(1);
	});

	it('/login (wrapper username)', async () => {
		expectLoggedIn(await fx.api.post('login', { user: { username: fx.admin.username }, password: fx.admin.password }));
	});

	it('/login (wrapper email)', async () => {
		expectLoggedIn(await fx.api.post('login', { user: { email: adminEmail }, password: fx.admin.password }));
	});

	it('/login by user', async () => {
		expectLoggedIn(await fx.api.post('login', { user: adminEmail, password: fx.admin.password }));
	});

	it('/login by username', async () => {
		expectLoggedIn(await fx.api.post('login', { username: fx.admin.username, password: fx.admin.password }));
	});

	it('/me', async () => {
		const user = await fx.createUser();
		const res = await fx.api.get('me', {}, user.creds);
		expect(res.status).to.equal(200);
		expect(res.body).to.include({ success: true, _id: user._id, username: user.username });
		expect(res.body).to.include.keys('active', 'name');
		expect(res.body.roles).to.be.an('array');
		expect(res.body).to.have.nested.property('emails[0].address', user.email);
		expect(res.body).to.have.nested.property('settings.preferences').that.is.an('object');
		expect((res.body.settings as { preferences: object }).preferences).to.have.all.keys(PREFERENCE_KEYS);
		expect(res.body.services).to.not.have.nested.property('password.bcrypt');
	});
});

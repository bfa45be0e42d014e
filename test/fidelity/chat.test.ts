/**
 * chat.postMessage, chat.update and chat.delete as Rocket.Chat 7.10 answers them
 * (apps/meteor/tests/end-to-end/api/chat.ts, the cases for the endpoints the sandbox serves). Where
 * Rocket.Chat's setup posts a plain message with chat.sendMessage, these cases post it with
 * chat.postMessage.
 */
import { expect } from 'chai';

import { Fidelity, fidelity, Res, TestUser } from './server';

const XSS = 'javascript:alert("xss")';

/** An attachment with every field well typed, as the successful cases send it. */
const FULL_ATTACHMENT = {
	color: '#ff0000',
	text: 'Yay for gruggy!',
	ts: '2016-12-09T16:53:06.761Z',
	thumb_url: 'http://res.guggy.com/logo_128.png',
	message_link: 'https://google.com',
	collapsed: false,
	author_name: 'Bradley Hilton',
	author_link: 'https://rocket.chat/',
	author_icon: 'https://avatars.githubusercontent.com/u/850391?v=3',
	title: 'Attachment Example',
	title_link: 'https://youtube.com',
	title_link_download: true,
	image_url: 'http://res.guggy.com/logo_128.png',
	audio_url: 'http://www.w3schools.com/tags/horse.mp3',
	video_url: 'http://www.w3schools.com/tags/movie.mp4',
	fields: [
		{ short: true, title: 'Test', value: 'Testing out something or other' },
		{ short: true, title: 'Another Test', value: '[Link](https://google.com/) something and this and that.' },
	],
};

function expectRefused(res: Res): void {
	expect(res.status).to.equal(400);
	expect(res.body.success).to.equal(false);
	expect(res.body.error).to.be.a('string').that.is.not.empty;
}

describe('[Chat]', function () {
	this.timeout(30_000);
	let fx: Fidelity;
	let testChannel: { _id: string; name: string };
	let message: { _id: string };

	before(async () => {
		fx = await fidelity();
		testChannel = await fx.createRoom('c', { name: fx.unique('chat.api-test') });
	});

	/** A message posted by the admin to the test channel with the given attachment (and alias/avatar/emoji). */
	const post = (attachment: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
		fx.post('chat.postMessage', {
			channel: testChannel.name,
			text: 'Sample message',
			alias: 'Gruggy',
			emoji: ':smirk:',
			avatar: 'http://res.guggy.com/logo_128.png',
			attachments: [{ color: '#ff0000', text: 'Yay for gruggy!', ts: '2016-12-09T16:53:06.761Z', ...attachment }],
			...extra,
		});

	/** The XSS cases: a `javascript:` URL in any link of a message is refused. */
	function xssCases(): void {
		it('attachment.message_link', async () => expectRefused(await post({ message_link: XSS })));
		it('attachment.author_link', async () => expectRefused(await post({ author_link: XSS })));
		it('attachment.title_link', async () => expectRefused(await post({ title: 'Attachment Example', title_link: XSS })));
		it('attachment.action.url', async () =>
			expectRefused(await post({ title_link: 'https://youtube.com', actions: [{ type: 'button', text: 'Text', url: XSS }] })));
	}

	describe('/chat.postMessage', () => {
		it('should throw an error when at least one of required parameters(channel, roomId) is not sent', async () => {
			const res = await fx.post('chat.postMessage', {
				text: 'Sample message',
				alias: 'Gruggy',
				emoji: ':smirk:',
				avatar: 'http://res.guggy.com/logo_128.png',
			});
			expect(res.status).to.equal(400);
			expect(res.body).to.include({ success: false, error: '[invalid-channel]' });
		});

		it('should throw an error when it has some properties with the wrong type(attachments.title_link_download, attachments.fields, message_link)', async () => {
			expectRefused(await post({ ...FULL_ATTACHMENT, message_link: 12, title_link_download: 'https://youtube.com', fields: '' }));
		});

		describe('should throw an error when the sensitive properties contain malicious XSS values', () => {
			xssCases();
			it('message.avatar', async () => expectRefused(await post({ title_link: 'https://youtube.com' }, { avatar: XSS })));
			it('attachment.action.image_url', async () =>
				expectRefused(
					await post({ actions: [{ type: 'button', text: 'Text', url: 'http://res.guggy.com/logo_128.png', image_url: XSS }] }),
				));
			it('attachment.thumb_url', async () => expectRefused(await post({ thumb_url: XSS })));
			it('attachment.author_icon', async () => expectRefused(await post({ author_icon: XSS })));
			it('attachment.image_url', async () => expectRefused(await post({ image_url: XSS })));
			it('attachment.audio_url', async () => expectRefused(await post({ audio_url: XSS })));
			it('attachment.video_url', async () => expectRefused(await post({ video_url: XSS })));
		});

		it('should throw an error when the properties (attachments.fields.title, attachments.fields.value) are with the wrong type', async () => {
			expectRefused(await post({ ...FULL_ATTACHMENT, fields: [{ short: true, title: 12, value: false }] }));
		});

		it('should return statusCode 200 when postMessage successfully', async () => {
			const res = await fx.post('chat.postMessage', {
				channel: testChannel.name,
				text: 'Sample message',
				emoji: ':smirk:',
				attachments: [FULL_ATTACHMENT],
			});
			expect(res.status).to.equal(200);
			expect(res.body).to.have.nested.property('message.msg', 'Sample message');
			message = { _id: (res.body.message as { _id: string })._id };
		});
	});

	describe('/chat.sendMessage', () => {
		describe('should throw an error when the sensitive properties contain malicious XSS values', () => {
			xssCases();
		});

		describe('Read only channel', () => {
			it('Creating a read-only channel', async () => {
				const res = await fx.post('channels.create', { name: fx.unique('readonlychannel'), readOnly: true });
				expect(res.status).to.equal(200);
				expect(res.body.channel).to.include({ ro: true });
			});
		});

		describe('customFields', () => {
			describe('when disabled', () => {
				it('should not allow update custom fields', async () => {
					const msg = await fx.message(testChannel._id);
					const res = await fx.post('chat.update', {
						roomId: testChannel._id,
						msgId: msg._id,
						text: 'Sample message Updated',
						customFields: { field1: 'value1' },
					});
					expect(res.status).to.equal(400);
					expect(res.body).to.include({ success: false, error: 'Custom fields not enabled' });
				});
			});
		});
	});

	describe('/chat.update', () => {
		let simpleMessageId: string;
		const link = (id: string) => `${fx.url.replace(/\/$/, '')}/channel/general?msg=${id}`;
		const update = (text: string) => fx.post('chat.update', { roomId: testChannel._id, msgId: message._id, text });

		before(async () => {
			simpleMessageId = (await fx.message('GENERAL'))._id;
		});

		it('should fail updating a message if no room id is provided', async () => {
			const res = await fx.post('chat.update', { msgId: message._id, text: 'This message was edited via API' });
			expect(res.status).to.equal(400);
			expect(res.body).to.include({ success: false, errorType: 'invalid-params' });
		});

		it('should fail updating a message if no message id is provided', async () => {
			const res = await fx.post('chat.update', { roomId: testChannel._id, text: 'This message was edited via API' });
			expect(res.status).to.equal(400);
			expect(res.body).to.include({ success: false, errorType: 'invalid-params' });
		});

		it('should fail updating a message if no  text is provided', async () => {
			const res = await fx.post('chat.update', { roomId: testChannel._id, msgId: message._id });
			expect(res.status).to.equal(400);
			expect(res.body).to.include({ success: false, errorType: 'invalid-params' });
		});

		it('should fail updating a message if an invalid message id is provided', async () => {
			const res = await fx.post('chat.update', {
				roomId: testChannel._id,
				msgId: 'invalid-id',
				text: 'This message was edited via API',
			});
			expect(res.status).to.equal(400);
			expect(res.body).to.include({ success: false, error: 'No message found with the id of "invalid-id".' });
		});

		it('should fail updating a message if it is not in the provided room', async () => {
			const res = await fx.post('chat.update', {
				roomId: 'invalid-room',
				msgId: message._id,
				text: 'This message was edited via API',
			});
			expect(res.status).to.equal(400);
			expect(res.body).to.include({ success: false, error: 'The room id provided does not match where the message is from.' });
		});

		it('should fail if text is an empty string', async () => {
			const res = await update('');
			expect(res.status).to.equal(400);
			expect(res.body.success).to.equal(false);
		});

		it('should update a message successfully', async () => {
			const res = await update('This message was edited via API');
			expect(res.status).to.equal(200);
			expect(res.body).to.have.nested.property('message.msg', 'This message was edited via API');
		});

		it('should add quote attachments to a message', async () => {
			const quoted = link(message._id);
			const res = await update(`Testing quotes ${quoted}`);
			expect(res.status).to.equal(200);
			expect(res.body).to.have.nested.property('message.msg', `Testing quotes ${quoted}`);
			const attachments = (res.body.message as { attachments: Array<{ message_link: string }> }).attachments;
			expect(attachments.map((a) => a.message_link)).to.deep.equal([quoted]);
		});

		it('should replace a quote attachment in a message', async () => {
			const quoted = link(simpleMessageId);
			const res = await update(`Testing quotes ${quoted}`);
			expect(res.status).to.equal(200);
			const attachments = (res.body.message as { attachments: Array<{ message_link: string }> }).attachments;
			expect(attachments.map((a) => a.message_link)).to.deep.equal([quoted]);
		});

		it('should add multiple quote attachments in a single message', async () => {
			const [first, second] = [link(message._id), link(simpleMessageId)];
			const res = await update(`${first} Testing quotes ${second}`);
			expect(res.status).to.equal(200);
			const attachments = (res.body.message as { attachments: Array<{ message_link: string }> }).attachments;
			expect(attachments.map((a) => a.message_link)).to.deep.equal([first, second]);
		});

		it('should erase old quote attachments when updating a message', async () => {
			const res = await update('This message was edited via API');
			expect(res.status).to.equal(200);
			expect(res.body).to.have.nested.property('message.msg', 'This message was edited via API');
			expect((res.body.message as { attachments: unknown[] }).attachments).to.have.lengthOf(0);
		});

		it('should do nothing if the message text hasnt changed and theres no custom fields', async () => {
			const res = await update('This message was edited via API');
			expect(res.status).to.equal(200);
			expect(res.body).to.have.nested.property('message.msg', 'This message was edited via API');
			expect(res.body.message).to.not.have.property('customFields');
		});
	});

	describe('[/chat.delete]', () => {
		let msgId: string;
		let user: TestUser;
		before(async () => {
			user = await fx.createUser();
		});
		beforeEach(async () => {
			msgId = (await fx.message(testChannel._id))._id;
		});

		it('should fail deleting a message if no message id is provided', async () => {
			const res = await fx.post('chat.delete', { roomId: testChannel._id });
			expect(res.status).to.equal(400);
			expect(res.body).to.include({ success: false, errorType: 'invalid-params' });
		});

		it('should fail deleting a message if no room id is provided', async () => {
			const res = await fx.post('chat.delete', { msgId });
			expect(res.status).to.equal(400);
			expect(res.body).to.include({ success: false, errorType: 'invalid-params' });
		});

		it('should fail deleting a message if it is not in the provided room', async () => {
			const res = await fx.post('chat.delete', { roomId: 'invalid-room', msgId });
			expect(res.status).to.equal(400);
			expect(res.body).to.include({ success: false, error: 'The room id provided does not match where the message is from.' });
		});

		it('should fail deleting a message if an invalid id is provided', async () => {
			const res = await fx.post('chat.delete', { roomId: testChannel._id, msgId: 'invalid-id' });
			expect(res.status).to.equal(400);
			expect(res.body).to.include({ success: false, error: 'No message found with the id of "invalid-id".' });
		});

		it('should delete a message successfully', async () => {
			const res = await fx.post('chat.delete', { roomId: testChannel._id, msgId });
			expect(res.status).to.equal(200);
			expect(res.body).to.include({ success: true, _id: msgId });
		});

		it('should delete a message successfully when the user deletes a message send by another user', async () => {
			const theirs = await fx.message(testChannel._id, 'Sample message', user.creds);
			const res = await fx.post('chat.delete', { roomId: testChannel._id, msgId: theirs._id, asUser: true });
			expect(res.status).to.equal(200);
			expect(res.body).to.include({ success: true, _id: theirs._id });
		});
	});
});

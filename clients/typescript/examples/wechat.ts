// `npx tsx clients/typescript/examples/wechat.ts` with `npm start` running: the README's "typed client" example.
import { createClient } from '../src/index.js';

const api = createClient({ baseUrl: 'http://127.0.0.1:3000', token: 'dev-service-key' });
const sandbox = createClient({ baseUrl: 'http://127.0.0.1:3000' }); // plays WeChat: no API key
const idNumber = '11010519491231002X';

// 1. Start: a typed body; the answer is the Verification, or its problem document in `error`.
const started = await api.POST('/v1/accounts/{accountId}/verifications', {
  params: { path: { accountId: 'acct-1002' } },
  body: {
    subjectType: 'individual',
    method: 'wechat_qr',
    individual: { realName: '张三', idType: 'mainland_id', idNumber, industry: 'internet', address: { region: '北京市/朝阳区', detail: '望京街 1 号' } },
  },
});
if (!started.data) throw new Error(`${started.response.status} ${started.error.code}: ${started.error.detail}`);
const { id, nextAction } = started.data;

// 2. nextAction is a union on `type`: a QR to scan here. The user scans it in (sandbox) WeChat.
if (nextAction?.type !== 'scan_qr') throw new Error('expected a QR to scan');
await sandbox.POST('/sandbox/wechat/scans', { body: { ticket: nextAction.ticket, realName: '张三', idNumber, bankCardLinked: true } });

// 3. Verified.
const { data } = await api.GET('/v1/verifications/{id}', { params: { path: { id } } });
console.log(data?.status, data?.completedAt);

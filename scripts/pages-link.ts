// `npm run pages:link [-- <accountId>] [--locale en]`: prints a fresh one-time link to the applicant's pages (scripts/lib/pages-link.ts).
import { mintPagesLink, PagesLinkError, pagesLinkRequest } from './lib/pages-link';

async function main() {
  const request = pagesLinkRequest(process.argv.slice(2), process.env);
  const url = await mintPagesLink(request);
  // The link alone on stdout (for a pipe); what it is on stderr.
  console.error(`Applicant pages of account ${request.accountId} (${request.locale}): opens once, within 1 hour`);
  console.log(url);
}

main().catch((err: unknown) => {
  console.error(err instanceof PagesLinkError ? err.message : err);
  process.exit(1);
});

import './styles.css';
import { App } from './app.js';
import { replaceChildren } from './dom.js';
import { linkOpenPage, takeLinkFromAddress } from './views/link-open-view.js';

const root = document.getElementById('app');
// A link's address (/l/<id>#<secret>): its own page, for people without an account; the secret leaves the address bar first.
const link = takeLinkFromAddress();
if (root && link !== null) replaceChildren(root, linkOpenPage(link));
else if (root) new App(root).start();

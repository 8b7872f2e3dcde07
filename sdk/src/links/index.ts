export { LinkError, type LinkRefusal } from './link-errors.js';
export { parseLinkUrl, linkUrl, isLinkId, deriveLinkKeys, accessHashOf, LINK_SCRYPT_PARAMS, type ParsedLink, type LinkSecret, type LinkKeys } from './link-secret.js';
export { MESSAGE_FILE_NAME, MAX_LINK_TEXT_CHARS, MAX_LINK_SUBJECT_CHARS, type LinkMessage } from './link-message.js';
export { linkStatus, openLink, openLinkToSink, linkErrorOf, MAX_LINK_MESSAGE_BYTES, type LinkStatus, type LinkState, type OpenLinkOptions, type LinkAccessOptions, type OpenedLink, type OpenedLinkInfo, type LinkSender } from './open-link.js';

/** What the server stores and relays for a message: routing data in clear, the rest a miniLock file. */
export interface MessageEnvelope {
  readonly conversationId: string;
  readonly messageId: string;
  readonly sender: string;
  readonly participants: readonly string[];
  /** A miniLock file (header ‖ chunks) whose plaintext is the message JSON. */
  readonly ciphertext: Uint8Array;
  /** When the server accepted it (ms); the receiver bounds the sender's clock against this. */
  readonly receivedAt: number;
}

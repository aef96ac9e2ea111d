'use client';

import { useState } from 'react';

/** Demo sign-in: posts to /api/session, which sets the signed session cookie. */
export function SignIn() {
  const [userId, setUserId] = useState('alice');
  const [status, setStatus] = useState('');
  async function send(method: 'POST' | 'DELETE') {
    const response = await fetch('/api/session', { method, headers: { 'content-type': 'application/json' }, body: method === 'POST' ? JSON.stringify({ userId }) : undefined });
    setStatus(response.ok ? (method === 'POST' ? `signed in as ${userId}` : 'signed out') : `failed: ${response.status}`);
  }
  return (
    <form onSubmit={(event) => { event.preventDefault(); void send('POST'); }}>
      <input aria-label="user id" value={userId} onChange={(event) => setUserId(event.target.value)} />
      <button type="submit">Sign in</button>
      <button type="button" onClick={() => void send('DELETE')}>Sign out</button>
      <span role="status"> {status}</span>
    </form>
  );
}

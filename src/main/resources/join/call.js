// One WebRTC leg in the call through the client API (WHIP, RFC 9725): POST the offer, get 201 + Location + answer;
// self-mute and leave on the Location. The server is ICE-lite, so the offer is posted without waiting for candidates.

/** An error with a message for a person and the HTTP status (0 when the request itself failed). */
export class CallError extends Error {
  constructor(message, status) {
    super(message);
    this.status = status;
  }
}

async function graphError(r, what) {
  let detail = '';
  try {
    detail = (await r.json()).error.message || '';
  } catch (e) {
    // not a Graph error body
  }
  const message = r.status === 404 ? 'Call not found: it has ended, or it is not in your tenant.'
    : r.status === 403 ? 'You are not allowed to join this call.'
    : r.status === 401 ? 'Your sign-in has expired; sign in again.'
    : r.status === 429 || r.status === 503 ? 'The server is busy; try again in a moment.'
    : what + ' failed (' + r.status + ').';
  return new CallError(detail && r.status >= 400 && r.status !== 404 && r.status !== 403 ? message + ' ' + detail : message, r.status);
}

/**
 * The call id of the live group call with this meeting id (joinMeetingId) in the user's tenant; a CallError 404 ("Call
 * not found") when there is none.
 */
export async function findMeeting(joinMeetingId, passcode, token) {
  const q = passcode ? '?passcode=' + encodeURIComponent(passcode) : '';
  const r = await fetch('/client/v1/meetings/' + encodeURIComponent(joinMeetingId) + q,
    {headers: {Authorization: 'Bearer ' + token}});
  if (!r.ok) throw await graphError(r, 'Finding the meeting');
  return (await r.json()).callId;
}

export async function microphone() {
  try {
    return await navigator.mediaDevices.getUserMedia({audio: {echoCancellation: false, noiseSuppression: false,
      autoGainControl: false}});
  } catch (e) {
    if (e.name === 'NotAllowedError' || e.name === 'SecurityError') {
      throw new CallError('The microphone is not allowed: allow it for this page and join again.', 0);
    }
    if (e.name === 'NotFoundError' || e.name === 'OverconstrainedError') {
      throw new CallError('No microphone was found: connect one and join again.', 0);
    }
    throw new CallError('The microphone cannot be opened: ' + e.message, 0);
  }
}

export class CallLeg {
  constructor(callId, token, mic, handlers) {
    this.callId = callId;
    this.token = token;
    this.mic = mic;
    this.handlers = handlers; // {track(stream), state(connectionState)}
    this.pc = null;
    this.location = null;
    this.participantId = null;
  }

  async join() {
    const pc = new RTCPeerConnection();
    this.pc = pc;
    pc.addTransceiver(this.mic.getAudioTracks()[0], {direction: 'sendrecv', streams: [this.mic]});
    pc.ontrack = e => this.handlers.track(e.streams[0] || new MediaStream([e.track]));
    pc.onconnectionstatechange = () => this.handlers.state(pc.connectionState);
    await pc.setLocalDescription(await pc.createOffer());
    let r;
    try {
      r = await fetch('/client/v1/calls/' + encodeURIComponent(this.callId) + '/participants', {method: 'POST',
        headers: {'Content-Type': 'application/sdp', 'Authorization': 'Bearer ' + this.token}, body: pc.localDescription.sdp});
    } catch (e) {
      pc.close();
      throw new CallError('The server cannot be reached.', 0);
    }
    if (r.status !== 201) {
      pc.close();
      throw await graphError(r, 'Joining');
    }
    this.location = r.headers.get('Location');
    this.participantId = this.location.substring(this.location.lastIndexOf('/') + 1);
    await pc.setRemoteDescription({type: 'answer', sdp: await r.text()});
  }

  /**
   * The same participant and WebRTC connection now belong to call {@code callId}: another call replaced this one (a
   * consultative transfer, an invitation with replacesCallId). Only the call's id in the leg's address changes.
   */
  movedTo(callId) {
    this.callId = callId;
    this.location = '/client/v1/calls/' + encodeURIComponent(callId) + '/participants/' + encodeURIComponent(this.participantId);
  }

  /** The participant's own mute, on the server (the roster shows it) and on the microphone track. */
  async setMuted(muted) {
    const r = await fetch(this.location + (muted ? '/mute' : '/unmute'), {method: 'POST',
      headers: {'Authorization': 'Bearer ' + this.token}});
    if (!r.ok) throw await graphError(r, muted ? 'Muting' : 'Unmuting');
    this.mic.getAudioTracks()[0].enabled = !muted;
    return r.json();
  }

  async leave() {
    const location = this.location;
    this.close();
    if (location) {
      await fetch(location, {method: 'DELETE', headers: {'Authorization': 'Bearer ' + this.token}}).catch(() => {});
    }
  }

  close() {
    if (this.pc) this.pc.close();
    this.pc = null;
  }
}

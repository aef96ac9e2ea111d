import { loadProfile } from '../_services/profile-service';
import { ContextBadge } from './context-badge';

// Four layers of nested Server Components; none of them receives the user as a prop.
export function LayerOne() {
  return (
    <div className="layer">
      layer 1<LayerTwo />
    </div>
  );
}

function LayerTwo() {
  return (
    <div className="layer">
      layer 2<LayerThree />
    </div>
  );
}

async function LayerThree() {
  await Promise.resolve();
  return (
    <div className="layer">
      layer 3<LayerFour />
    </div>
  );
}

async function LayerFour() {
  const profile = await loadProfile();
  return (
    <div className="layer">
      layer 4
      <ContextBadge testId="deepest" traceId={profile.traceId} userId={profile.userId}>
        <div>display name: {profile.displayName}</div>
      </ContextBadge>
    </div>
  );
}

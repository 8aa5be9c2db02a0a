#include "common/CancelToken.h"

#include "common/Error.h"

namespace nas {

void CancelToken::throwIfCancelled() const {
  if (cancelled()) throw Error(ErrorCode::Cancelled, "cancelled");
}

}  // namespace nas

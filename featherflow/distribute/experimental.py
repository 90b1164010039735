"""``tf.distribute.experimental``: communication options."""

from featherflow.distribute.multi_worker import (
    CommunicationImplementation,
    CommunicationOptions,
)

CollectiveCommunication = CommunicationImplementation

__all__ = ["CollectiveCommunication", "CommunicationImplementation", "CommunicationOptions"]

"""A place in the server's training queue, shown to the student while they wait."""

import time
from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st

from core.training import server_training_queue, waiting_notice


@contextmanager
def training_place() -> Iterator[None]:
    """Wait for a free training place, showing the queue position, and free it when done.

    Stop, an error or a closed tab end the script run inside the `with` block, and the
    place is freed all the same.
    """
    queue = server_training_queue()
    ticket = queue.join()
    try:
        status = st.empty()
        while (position := queue.position(ticket)) > 0:
            status.info(waiting_notice(queue.slots, position))
            time.sleep(0.5)
        status.empty()
        yield
    finally:
        queue.leave(ticket)

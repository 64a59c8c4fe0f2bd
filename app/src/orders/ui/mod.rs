//! The agent's My queue screen.

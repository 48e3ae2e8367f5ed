"""The township's institutions run as procedures on the engine (processes/catalog/procedures.yaml):

- `sanzhong`: 三重一大 — the 大额 threshold from the township's settings (a power whose fund use
  reaches it cannot proceed without a passed collective decision), 会前酝酿 (no meeting before the
  circulation period ends), the matter type of the meeting, 任前廉政谈话 before an appointment
  takes effect;
- `village`: 四议两公开 — the party members' meeting and the villagers' (representatives') meeting
  with the quorum and majority of 村民委员会组织法 arts. 22 and 26;
- `wenze`: 问责 — the person concerned states his side himself, no finding or closing before;
  the outcome closes the accountability record;
- `talks`: the 四谈话 records (which 三重一大 appointments read);
- `services`: starting a procedure (its starters, its source records).

The rules run where the engine computes a form's values (engine/computed.py), inside the
transaction of the step; a refusal writes nothing.
"""

-- The day folic acid is taken alongside a once-weekly medicine: never the same day (REFERENCE §1.1).
alter table medication_order
  add column folic_acid_day text check (folic_acid_day in ('Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday')),
  add constraint folic_acid_not_on_the_medicine_day check (folic_acid_day is null or folic_acid_day is distinct from day_of_week);

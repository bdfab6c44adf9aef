/**
 * Common given and family names of children in Britain today, from many backgrounds, for synthetic
 * patients. The family names of the five named demo patients (Hart, Bennett, Khan, Williams, Okafor)
 * are left out on purpose, so that searching for one of them finds that child alone.
 */

// Written as words rather than one string a line, so the lists stay short enough to read.
const words = (text: string): readonly string[] => text.trim().split(/\s+/);

export const girlsNames = words(`
  Olivia Amelia Isla Ava Mia Ivy Lily Freya Florence Grace Sophia Emily Poppy Evie Ella Willow Aria
  Elsie Isabella Daisy Sienna Harper Evelyn Phoebe Ruby Millie Rosie Matilda Alice Maya Layla Zara
  Aisha Fatima Maryam Hannah Chloe Jessica Erin Niamh Ffion Seren Amara Zainab Nia Chioma Mei Priya
  Anaya Inaya Hafsa Eva Lena Zofia Julia Orla Eilidh Caitlin Esme Thea Harriet Imogen Sofia Hollie
  Lucy Martha Nadia Yasmin Khadija Simran
`);

export const boysNames = words(`
  Oliver George Noah Arthur Muhammad Leo Harry Oscar Archie Henry Theodore Freddie Jack Charlie Theo
  Alfie Jacob Thomas Finley Arlo William Lucas Isaac Tommy Teddy James Joshua Samuel Ethan Reuben Rory
  Callum Owen Dylan Rhys Cian Ibrahim Yusuf Ayaan Arjun Rohan Kofi Tobi David Daniel Jakub Kacper Adam
  Zain Hamza Kai Ezra Jayden Louis Max Sebastian Finn Elijah Harrison Jude Ruairi Lewis Gethin Aarav
  Omar Bilal Emeka Chidi Mateo Wei
`);

export const familyNames = words(`
  Smith Jones Taylor Brown Davies Evans Wilson Thomas Johnson Roberts Robinson Thompson Wright Walker
  White Edwards Hughes Green Hall Lewis Harris Clarke Patel Jackson Wood Turner Martin Cooper Hill
  Ward Morris Moore Clark Lee King Baker Harrison Morgan Allen James Scott Phillips Watson Davis
  Parker Price Young Griffiths Mitchell Kelly Cook Carter Richardson Bailey Collins Bell Shaw Murphy
  Miller Cox Richards Marshall Anderson Simpson Ellis Adams Singh Begum Wilkinson Foster Chapman
  Powell Webb Rogers Gray Mason Ali Hunt Hussain Campbell Matthews Owen Palmer Holmes Mills Barnes
  Knight Lloyd Butler Russell Barker Fisher Stevens Jenkins Murray Dixon Harvey Ahmed Mensah Adeyemi
  Nowak Kowalski Chen Wong Nguyen O'Brien Byrne Macdonald Fraser Reid Sharma Chaudhry Rahman Hassan
  Osei Kaur Gill Sandhu Stewart Robertson Pritchard Llewellyn Nwosu Okonkwo Popescu Silva Yilmaz
  Mahmood Iqbal Lin Doherty Quinn McLaughlin Gallagher Brennan Forsyth Hamilton Graham Ross Howells
  Smith-Jones Evans-Patel
`);

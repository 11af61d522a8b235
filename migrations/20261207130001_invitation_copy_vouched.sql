-- Whether the invitation's copyable link was issued by someone who proved
-- themselves recently because the invitation granted something sensitive
-- then. An invitation can come to grant more after its link was copied
-- without being edited (its role's, groups' or site roles' permissions
-- change; a product permission becomes sensitive): a copied link that no
-- such proof vouched for then accepts nothing sensitive. Existing links
-- start unvouched: one that grants something sensitive now asks for a new
-- link ("Create new link"), which a proven session issues.
ALTER TABLE invitations ADD COLUMN copy_vouched boolean NOT NULL DEFAULT false;
